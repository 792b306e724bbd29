"""Saturn Cloud: the REST client, its objects as Resources, the backend, notebook job recipes."""
