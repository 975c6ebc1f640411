"""``make run`` shows networks with profiles: the demo networks get theirs, marked as demo."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from directory import demo as directory_demo
from directory.choices import NETWORK_KINDS, Source
from directory.demo_data.sectors import NETWORKS
from directory.models import Organisation
from networks import demo
from networks.models import NetworkProfile, PartnerCluster
from networks.tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("generate_demo_networks", *args, stdout=out)
    return out.getvalue()


def test_every_generated_network_gets_a_demo_profile_once(client: Client) -> None:
    directory_demo.generate(count=300, seed=42)
    handmade = NetworkFactory.create(name="Handgemachtes Netzwerk")
    generated = Organisation.objects.filter(source=Source.GENERATED, kind__in=NETWORK_KINDS)
    assert generated.count() >= 2

    assert f"{generated.count()} demo network profiles written" in run("--if-empty")

    profiles = NetworkProfile.objects.select_related("organisation")
    assert {p.organisation_id for p in profiles} == set(generated.values_list("pk", flat=True))
    assert not NetworkProfile.objects.filter(organisation=handmade).exists()
    definitions = {d.name: d for d in NETWORKS}
    for profile in profiles:
        definition = definitions[profile.organisation.name]
        assert profile.source == Source.GENERATED
        assert profile.focus_topic_list == list(definition.technologies)
        assert profile.mission.startswith(definition.short)
        assert len(profile.goals.splitlines()) == 3 and len(profile.services.splitlines()) == 4
        assert not profile.history.exists()  # generated data has no history

    assert "nothing to do" in run("--if-empty")
    assert NetworkProfile.objects.count() == generated.count()

    network = profiles[0].organisation
    page = client.get(network.get_absolute_url()).content.decode()
    assert "Demodaten:" in page and profiles[0].mission in page.replace("<p>", "")


def test_without_demo_networks_the_command_says_what_to_run_first() -> None:
    assert "run generate_demo_data first" in run("--if-empty")


def test_demo_networks_get_working_groups_projects_and_labels_of_their_own(
    client: Client,
) -> None:
    from networks.models import NetworkProject, QualityLabel, WorkingGroup

    directory_demo.generate(count=300, seed=42)
    handmade = NetworkFactory.create(name="Handgemachtes Netzwerk")
    output = run("--if-empty")
    generated = Organisation.objects.filter(source=Source.GENERATED, kind__in=NETWORK_KINDS)
    assert f"for {generated.count()} demo networks" in output

    groups = WorkingGroup.objects.select_related("network__network_profile")
    assert {g.network_id for g in groups} == set(generated.values_list("pk", flat=True))
    for group in groups:
        # Named after the network's own focus topics; members from its own members.
        topic = group.name.removeprefix("AG ")
        assert topic in group.network.network_profile.focus_topic_list
        members = set(group.network.members.values_list("organisation_id", flat=True))
        assert set(group.members.values_list("pk", flat=True)) <= members
        assert not group.history.exists()
    assert NetworkProject.objects.exclude(network__in=generated).count() == 0
    assert NetworkProject.objects.count() >= generated.count()
    assert not WorkingGroup.objects.filter(network=handmade).exists()
    assert not QualityLabel.objects.filter(network=handmade).exists()

    assert "nothing to do" in run("--if-empty")
    assert WorkingGroup.objects.count() == groups.count()

    page = client.get(groups[0].network.get_absolute_url()).content.decode()
    assert groups[0].name in page and "Demodaten:" in page


def test_the_demo_networks_get_partner_clusters_once() -> None:
    directory_demo.generate(count=300, seed=42)
    output = run("--if-empty")
    records = PartnerCluster.objects.all()
    count = records.count()
    assert f"{count} demo partner clusters written" in output
    generated = set(
        Organisation.objects.filter(source=Source.GENERATED, kind__in=NETWORK_KINDS).values_list(
            "pk", flat=True
        )
    )
    assert {record.network_id for record in records} == generated
    assert records.filter(partner__isnull=True).exclude(partner_name="").exists()
    assert set(records.exclude(partner=None).values_list("partner_id", flat=True)) <= generated
    assert set(records.values_list("description", flat=True)) == {demo.DEMO_PARTNER_NOTE}

    run("--if-empty")
    run()
    assert PartnerCluster.objects.count() == count
