"""The jobs kit: background work on a task queue (Huey), declared by apps, followed by people (decision 0027).

* `registry`: apps declare job kinds, system tasks and periodic tasks in their `ready()`.
* `services.do_enqueue_job(actor, org, kind, parameters)`: queue a job (idempotent, audited).
* `selectors`: the jobs a member may follow; `runner.progress_of(job)`.
* `queue`: the Huey instance built from the settings, `send(name, *args)` for system tasks.
* `accord worker` runs a worker; `accord serve` and `accord demo` start one beside the web server.

Kept light on purpose: `accord.core.models` imports `accord.core.jobs.models` from here.
"""
