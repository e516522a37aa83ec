"""Every marshmallow schema in one place, by what it reads or writes:

- ``records``: a document's fields as staff edit them and as ``import-records`` reads them
- ``forms``: citizens' feedback and the registration of a received document
- ``search``: the search's query arguments (page and API) and the search result the API sends
- ``api``: the JSON the API sends for documents, issues, volumes, citations and news (the
  OpenAPI document is built from these same schemas)
"""
