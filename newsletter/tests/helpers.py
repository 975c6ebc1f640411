"""Shared set-up of the newsletter's tests."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client

from newsletter.models import Subscriber, Topic

ADDRESS = "lena@beispiel-werk.de"


def links(text: Any) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", str(text))


def topics() -> dict[str, Topic]:
    return {
        "wasserstoff": Topic.objects.create(name="Wasserstoff", position=1),
        "mobilitaet": Topic.objects.create(name="Mobilität", position=2),
    }


def german() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="de", REMOTE_ADDR="203.0.113.77")


def ask(client: Client, email: str = ADDRESS, *topic: Topic, consent: bool = True) -> Any:
    data: dict[str, Any] = {"email": email, "topics": [t.pk for t in topic]}
    if consent:
        data["consent"] = "on"
    return client.post("/newsletter/", data)


def confirmation_link(address: str = ADDRESS) -> str:
    for message in reversed(mail.outbox):
        if message.to == [address]:
            found = [link for link in links(message.body) if "/bestaetigen/" in link]
            if found:
                return found[0]
    raise AssertionError(f"no confirmation mail to {address}")


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def subscribed(client: Client, email: str = ADDRESS, *topic: Topic) -> Subscriber:
    """Subscribe and confirm as a person would."""
    ask(client, email, *topic)
    client.post(path_of(confirmation_link(email)))
    return Subscriber.objects.get(email=email)
