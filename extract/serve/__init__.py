"""``extract serve``: the HTTP API over the job store (app, worker pool thread, results, client)."""
