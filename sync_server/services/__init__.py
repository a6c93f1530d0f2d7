"""The server's services: each public function is one transaction (it begins and commits).

Routes call one service; repositories never commit. See `tx` for the transaction and its
retries, `push` for the protocol engine, `pull` for reading the change log.
"""
