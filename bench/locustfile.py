"""Locust users for `bench/load.py`: a CISO reading the register, the dashboard and the API, with one
request in ten a write (a new risk). Configured by environment variables set by bench/load.py:
ACCORD_LOAD_ORG (organisation slug), ACCORD_LOAD_TOKEN (API token), ACCORD_LOAD_SESSION (session key),
ACCORD_LOAD_MIX (`mixed`: 45% web pages, 45% API reads, 10% writes; `api`: API reads of the register, a
risk, the appetite and the portfolio, 10% writes, as the outside review measured)."""

from __future__ import annotations

import itertools
import os
import sys

from locust import FastHttpUser, between

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # bench/ is not a package
from mixes import MIXES

ORG = os.environ.get("ACCORD_LOAD_ORG", "nordpay")
TOKEN = os.environ.get("ACCORD_LOAD_TOKEN", "")
SESSION = os.environ.get("ACCORD_LOAD_SESSION", "")
_numbers = itertools.count(1)


class Ciso(FastHttpUser):
    wait_time = between(0.05, 0.15)

    def on_start(self) -> None:
        self.api = {"Authorization": f"Bearer {TOKEN}"}
        self.web = {"Cookie": f"sessionid={SESSION}"}
        risks = self.client.get(f"/api/v1/orgs/{ORG}/risks/?limit=20", headers=self.api,
                                name="api: risks").json()["items"]
        self.risk_ids = [r["id"] for r in risks] or [1]
        categories = self.client.get(f"/api/v1/orgs/{ORG}/risk-categories/", headers=self.api,
                                     name="api: categories").json()["items"]  # a paginated list, as every list
        self.category = categories[0]["key"]

    # Web pages, signed in by session.
    def dashboard(self) -> None:
        self.client.get(f"/o/{ORG}/", headers=self.web, name="web: dashboard")

    def register(self) -> None:
        self.client.get(f"/o/{ORG}/risks/register/", headers=self.web, name="web: register")

    def risk_page(self) -> None:
        rid = self.risk_ids[next(_numbers) % len(self.risk_ids)]
        self.client.get(f"/o/{ORG}/risks/register/{rid}/", headers=self.web, name="web: one risk")

    # API reads by token.
    def api_register(self) -> None:
        self.client.get(f"/api/v1/orgs/{ORG}/risks/?limit=50", headers=self.api, name="api: risks")

    def api_risk(self) -> None:
        rid = self.risk_ids[next(_numbers) % len(self.risk_ids)]
        self.client.get(f"/api/v1/orgs/{ORG}/risks/{rid}/", headers=self.api, name="api: one risk")

    def api_appetite(self) -> None:
        self.client.get(f"/api/v1/orgs/{ORG}/risk-appetite/", headers=self.api, name="api: appetite")

    def api_portfolio(self) -> None:
        self.client.get(f"/api/v1/orgs/{ORG}/quant/portfolio/", headers=self.api, name="api: portfolio")

    # Writes.
    def api_create(self) -> None:
        n = next(_numbers)
        self.client.post(f"/api/v1/orgs/{ORG}/risks/", headers=self.api, name="api: add a risk",
                         json={"title": f"Load test risk {os.getpid()}-{n}", "category": self.category,
                               "likelihood": 1 + n % 5, "impact": 1 + (n // 5) % 5})


_TASKS = {"web: dashboard": Ciso.dashboard, "web: register": Ciso.register, "web: one risk": Ciso.risk_page,
          "api: risks": Ciso.api_register, "api: one risk": Ciso.api_risk, "api: appetite": Ciso.api_appetite,
          "api: portfolio": Ciso.api_portfolio, "api: add a risk": Ciso.api_create}
# Locust turns `@task` weights into repeated entries when it builds the class; a list set afterwards must
# carry them the same way (a dict set here would be drawn from uniformly).
Ciso.tasks = [_TASKS[name] for name, weight in MIXES[os.environ.get("ACCORD_LOAD_MIX", "mixed")].items()
              for _ in range(weight)]
