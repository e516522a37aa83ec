"""What several test modules share, apart from pytest's fixtures (those stay in conftest.py):
builders of real files and records, the staff's login through the real form, servers started
as processes, the throwaway databases. Modules mirror what they build for:

- ``web``: CSRF tokens, staff passwords and ``AuthActions`` (login through the form)
- ``records``: the demo's records file, sample documents imported with their PDFs, staff
  accounts, an approved issue
- ``databases``: a fresh PostgreSQL database per test, the test Redis
- ``issues``, ``intake``, ``search``: document PDFs, office files and scans, search corpora
- ``documents``: administrative documents that vary as real ones do (headers as tables or
  lines, abbreviated organs, signature blocks, annexes), as DOCX, DOC, PDF and scans
- ``receiving``: uploads through the receiving page and the proposal form
- ``servers``: the app under gunicorn or flask, a cookie-keeping client; ``demo_server``: the
  demo served once per session (generated API client, Lighthouse)
- ``tables``: a decision with a table, received and registered
- ``signing_pki``: a local PKI (CA, TSA, OCSP, CRL) for the signature tests
- ``import_graph``: the project's import graph, read from the source
"""
