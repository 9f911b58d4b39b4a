// placeholder: replaced by the SQLite store
