"""The load benchmark's request mixes, by route name, weights out of 100: read by bench/locustfile.py (what
Locust sends) and bench/routes_cpu.py (the CPU per request of the same mix, in-process)."""

MIXES = {
    "mixed": {"web: dashboard": 15, "web: register": 20, "web: one risk": 10, "api: risks": 20, "api: one risk": 10,
              "api: appetite": 10, "api: portfolio": 5, "api: add a risk": 10},
    "api": {"api: risks": 35, "api: one risk": 25, "api: appetite": 20, "api: portfolio": 10, "api: add a risk": 10},
}
