"""How the demo landscape spreads over the WZ 2008 divisions.

``DIVISION_WEIGHTS`` gives a Thuringia-like economy as an agency's database holds it:
manufacturing first (metal products, machinery, optics and electronics, plastics,
food), the building trades, trade, logistics and business services next, rare
divisions (mining, fishing, tobacco) with few organisations but at least one in a
run of the default size. Within a division every subclass the reference data knows
gets organisations once the division's share allows it; ``SUBCLASS_WEIGHTS`` makes
the common trades (turning shops, electricians) and the crisis cases of the Local
Sourcing seed (disinfectants, protective masks and clothing, medical supplies,
testing laboratories) more frequent, and subclasses that hardly exist in the region
(rice, citrus fruit, sea fishing) rare.

``PROFILE_OF_DIVISION`` names the sector profile (``sectors.PROFILES`` or
``EXTRA_PROFILES`` below) of a division that no profile's WZ prefixes cover.
``SWITCHES``: makers that can switch their production in a crisis, with what to.
"""

from __future__ import annotations

from .sectors import (
    CRAFT_FORMS,
    CRAFT_PATTERNS,
    GF_FOOD,
    GF_HEALTH,
    GF_ICT,
    GF_INDUSTRY,
    GF_TOURISM,
    SERVICE_FORMS,
    SERVICE_PATTERNS,
    SIZES_CRAFT,
    SIZES_PUBLIC,
    SIZES_SERVICES,
    Profile,
)

DIVISION_WEIGHTS: dict[str, float] = {
    # Agriculture, forestry, fishing; mining.
    "01": 1.2, "02": 0.4, "03": 0.15, "05": 0.05, "06": 0.05, "07": 0.05, "08": 0.4, "09": 0.08,
    # Manufacturing.
    "10": 4.0, "11": 1.2, "12": 0.05, "13": 1.2, "14": 0.8, "15": 0.3, "16": 1.5, "17": 1.0,
    "18": 1.2, "19": 0.1, "20": 1.8, "21": 0.6, "22": 3.5, "23": 2.5, "24": 1.5, "25": 11.0,
    "26": 5.0, "27": 2.5, "28": 7.0, "29": 2.5, "30": 0.6, "31": 1.2, "32": 2.5, "33": 2.5,
    # Energy, water, waste.
    "35": 1.5, "36": 0.3, "37": 0.3, "38": 1.2, "39": 0.2,
    # Construction, trade.
    "41": 2.5, "42": 1.5, "43": 5.0, "45": 2.0, "46": 6.0, "47": 2.5,
    # Transport, hospitality, information.
    "49": 2.5, "50": 0.05, "51": 0.05, "52": 2.0, "53": 0.4, "55": 0.8, "56": 0.8,
    "58": 0.4, "59": 0.3, "60": 0.05, "61": 0.3, "62": 5.0, "63": 1.0,
    # Finance, real estate, professional and business services.
    "64": 0.4, "65": 0.2, "66": 0.3, "68": 0.5, "69": 1.2, "70": 1.8, "71": 5.0, "72": 2.5,
    "73": 1.0, "74": 1.0, "75": 0.1, "77": 0.8, "78": 1.0, "79": 0.3, "80": 0.3, "81": 1.2,
    "82": 1.2,
    # Public, education, health, culture, other services.
    "84": 0.4, "85": 1.2, "86": 0.5, "87": 0.1, "88": 0.1, "90": 0.15, "91": 0.1, "92": 0.03,
    "93": 0.2, "94": 0.9, "95": 0.4, "96": 0.5, "97": 0.02, "98": 0.02, "99": 0.02,
}  # fmt: skip

# Relative weight of a subclass within its division (1 when not named); a prefix names
# every subclass under it. Below 0.5 a subclass gets no organisation of its own share.
SUBCLASS_WEIGHTS: dict[str, float] = {
    # The crisis cases of the Local Sourcing seed.
    "20.20": 5, "20.41": 3, "20.42": 1.5, "32.99": 5, "32.50.1": 5, "32.50.3": 2,
    "14.12": 5, "13.96": 3, "13.95": 2, "13.99": 2, "13.92": 2, "22.19": 2, "71.20": 3,
    "21.20": 2, "46.46": 3, "82.92": 3, "26.60": 2,
    # Common trades of the region.
    "25.62": 6, "25.11": 3, "25.61": 3, "25.50.4": 2, "25.73": 2, "25.99": 1.5, "25.94": 1.5,
    "22.29": 3, "22.21": 1.5, "26.70": 3, "26.51": 3, "26.11": 2, "26.12": 2, "27.12": 2,
    "27.32": 2, "27.90": 1.5, "28.29": 2, "28.99": 2, "28.41": 1.5, "28.12": 1.5,
    "29.32": 2, "10.71": 3, "10.13": 2, "11.05": 2, "16.10": 1.5, "16.23": 1.5,
    "18.12": 2, "23.61": 1.5, "23.19": 2, "24.53": 1.5, "24.51": 1.5, "31.01": 1.5,
    "31.09": 1.5, "33.12": 2, "33.20": 2, "41.20.1": 2, "41.20.2": 2, "42.22": 1.5,
    "43.21": 4, "43.22": 4, "43.91": 2, "43.32": 1.5, "43.34": 1.5, "45.20": 3,
    "46.69": 2, "46.72": 1.5, "46.73": 1.5, "46.74": 1.5, "49.41": 4, "52.10": 3,
    "52.29": 2, "62.01": 2, "62.02": 1.5, "62.09": 1.5, "63.11": 1.5, "69.20": 2,
    "70.22": 3, "71.11": 1.5, "71.12": 3, "72.19": 3, "73.11": 2, "78.20": 2,
    "81.21": 3, "81.22": 2, "85.59": 3, "85.42": 1, "85.42.3": 0.3,
    # Hardly found in the region.
    "01.12": 0.05, "01.14": 0.05, "01.22": 0.05, "01.23": 0.05, "01.26": 0.05, "01.27": 0.05,
    "01.15": 0.2, "01.44": 0.05, "03.11": 0.1, "03.21": 0.1, "05.10": 0.3, "06.10": 0.5,
    "07.21": 0.05, "24.46": 0.05, "25.40": 0.3, "30.11": 0.2, "30.40": 0.2, "32.11": 0.2,
    "50.10": 0.2, "50.20": 0.2, "51.22": 0.05, "84.21": 0.1, "84.22": 0.2, "64.11": 0.1,
}  # fmt: skip

# Profiles of the divisions the sector profiles do not cover.
PROFILE_OF_DIVISION: dict[str, str] = {
    **dict.fromkeys(("01", "02", "03"), "agriculture"),
    **dict.fromkeys(("05", "06", "07", "08", "09", "19"), "mining"),
    **dict.fromkeys(("12", "15", "32"), "manufacture"),
    "10": "food", "11": "food", "14": "textiles", "18": "paper", "20": "chemicals",
    "21": "medical", "23": "glass", "24": "metal", "25": "metal", "26": "optics",
    "30": "automotive", "33": "repair", "35": "energy", "36": "energy", "37": "energy",
    "41": "construction", "45": "trade", "46": "trade", "47": "retail", "49": "logistics",
    **dict.fromkeys(("50", "51", "52", "53"), "logistics"),
    **dict.fromkeys(("55", "56", "79", "90", "91", "92", "93"), "tourism"),
    **dict.fromkeys(("58", "59", "60", "61", "63"), "it"),
    **dict.fromkeys(("64", "65", "66", "68", "69", "70", "73", "74", "77", "78", "82"), "business"),
    **dict.fromkeys(("75", "80", "81", "95", "96", "97", "98"), "services"),
    **dict.fromkeys(("86", "87", "88"), "health"),
    "85": "education", "85.42": "university", "72": "research", "84": "public",
    "94": "association", "99": "public",
}  # fmt: skip

# Makers that can switch production in a crisis: code prefix → subclasses they can
# also make (the secondary code they then carry).
SWITCHES: dict[str, tuple[str, ...]] = {
    "13.9": ("32.99.0", "14.12.0"),
    "13.2": ("13.96.0", "32.99.0"),
    "14.1": ("14.12.0", "32.99.0"),
    "22.2": ("32.99.0", "32.50.1"),
    "22.19": ("32.50.1",),
    "11.01": ("20.20.0", "20.41.0"),
    "20.42": ("20.41.0", "20.20.0"),
    "20.59": ("20.20.0",),
    "20.14": ("20.20.0",),
    "26.51": ("32.50.1",),
    "25.62": ("32.50.1",),
    "17.2": ("32.99.0",),
    "82.92": ("20.41.0",),
}

SWITCH_SHARE = 0.3

EXTRA_PROFILES: tuple[Profile, ...] = (
    Profile(
        "agriculture",
        0,
        "company",
        ("01.", "02.", "03."),
        (),
        ("Bioenergie",),
        (("EU-Öko-Verordnung", 0.2),),
        (GF_FOOD,),
        legal_forms=(("eG", 20), ("GmbH", 40), ("GbR", 20), ("Einzelunternehmen", 20)),
        sizes=SIZES_CRAFT,
        patterns=CRAFT_PATTERNS,
        join=0.05,
    ),
    Profile(
        "mining",
        0,
        "company",
        ("05.", "06.", "07.", "08.", "09.", "19."),
        (),
        (),
        (("ISO 9001", 0.3), ("ISO 14001", 0.3)),
        (GF_INDUSTRY,),
        legal_forms=(("GmbH", 70), ("GmbH & Co. KG", 20), ("AG", 10)),
        join=0.05,
    ),
    Profile(
        "manufacture",
        0,
        "company",
        ("12.", "15.", "32."),
        (),
        ("Präzisionsmechanik", "Kunststoff-3D-Druck"),
        (("ISO 9001", 0.3),),
        (GF_INDUSTRY,),
        legal_forms=CRAFT_FORMS,
        sizes=SIZES_CRAFT,
        patterns=CRAFT_PATTERNS,
    ),
    Profile(
        "retail",
        0,
        "company",
        ("47.",),
        (),
        (),
        (),
        (GF_TOURISM,),
        legal_forms=CRAFT_FORMS,
        sizes=SIZES_CRAFT,
        patterns=CRAFT_PATTERNS,
        join=0.03,
    ),
    Profile(
        "services",
        0,
        "company",
        ("75.", "80.", "81.", "95.", "96."),
        (),
        (),
        (("ISO 9001", 0.1),),
        (GF_ICT,),
        legal_forms=SERVICE_FORMS,
        sizes=SIZES_SERVICES,
        patterns=CRAFT_PATTERNS,
        join=0.03,
    ),
    Profile(
        "health",
        0,
        "company",
        ("86.", "87.", "88."),
        (),
        ("Digitale Gesundheitsanwendungen",),
        (("ISO 9001", 0.2),),
        (GF_HEALTH,),
        legal_forms=(("GmbH", 50), ("gGmbH", 30), ("e. V.", 20)),
        sizes=SIZES_PUBLIC,
        patterns=SERVICE_PATTERNS,
        join=0.1,
    ),
    Profile(
        "education",
        0,
        "company",
        ("85.",),
        (),
        (),
        (("ISO 9001", 0.2),),
        (GF_ICT, GF_INDUSTRY),
        legal_forms=(("GmbH", 50), ("gGmbH", 30), ("e. V.", 20)),
        sizes=SIZES_SERVICES,
        patterns=SERVICE_PATTERNS,
        join=0.2,
    ),
)
