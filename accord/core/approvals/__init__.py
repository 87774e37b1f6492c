"""Approvals: the co-signing kit every app that makes people sign something reuses (decision 0011).

* `models`: the abstract `Signature` (one member in one slot), `VersionedDocument` (drafted in
  versions; draft, in force, superseded or withdrawn; at most one draft and one version in force per
  organisation) and `Opinion` (a consultee's recorded say, which blocks nothing).
* `rules`: pure slot rules: who `fits` a slot, `pick_slot` for a signer with its refusals (a person
  signs one object once: the signatories of one object are distinct people, whatever their roles
  become), and `signature_state` (required, signed, awaiting) that every front renders.
* `services`: the writes a versioned document shares: the next version number, withdrawing the
  open draft, checking that a signature names the current draft, and putting a draft in force.

The app keeps only what is its own: which slots an object needs (for risks, `accord.risks.rules`).
This module imports nothing so that importing the package pulls in no layer.
"""
