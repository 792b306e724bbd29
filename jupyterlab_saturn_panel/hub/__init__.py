"""JupyterHub: the REST client, the scopes a token holds, server models as Resources, the backend."""
