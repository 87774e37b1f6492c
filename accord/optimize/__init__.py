"""Accord's budget optimiser: one envelope, initiatives and security controls on one money scale.

Pure: SciPy's `milp` (HiGHS), NumPy, dataclasses and `accord.quant`; no Django, no app (import contract
"engines-pure"). Typical use::

    from accord.optimize.round import parse_round
    from accord.optimize.engine import solve_round
    from accord.optimize.results import result_to_dict

    rnd = parse_round(json.load(open("round.json")))   # RoundError names the field path
    outcome = solve_round(rnd)                          # model, simulated verification, frontier, ...
    data = result_to_dict(outcome)                      # the result file's JSON shape

The modules: `round` (the round file), `model` (the mixed-integer model), `engine` (solving, verification
by simulation, the appetite cuts, infeasibility, greedy, Gordon-Loeb, frontier), `results` (JSON),
`chart` (the frontier's SVG), `cli` (`accord budget solve --file`). This package imports none of them
itself, so that registering the command imports no SciPy. Formulation and formats: docs/budget.md.
"""
