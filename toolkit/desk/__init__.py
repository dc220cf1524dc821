"""«Пульт куратора»: the program cycle in the browser, on the curator's own computer.

An interface layer like ``toolkit.cli``: it parses requests, calls the same core functions and words domain
errors as one Russian sentence. No stage logic lives here. Every state-changing request is a POST with a CSRF
token and runs under the program folder's lock (``toolkit.base.lock``), shared with the command line.
"""
