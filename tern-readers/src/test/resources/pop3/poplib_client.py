"""Fetches a POP3 maildrop with Python's poplib and prints what it saw as JSON (a Tern wire test runs it).

Usage: poplib_client.py HOST PORT stls|ssl USER PASSWORD
Trusts any certificate: the server is a test server on 127.0.0.1 with a self-signed certificate.
"""
import json
import poplib
import ssl
import sys

host, port, mode, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE

if mode == "ssl":
    pop = poplib.POP3_SSL(host, port, context=context, timeout=20)
else:
    pop = poplib.POP3(host, port, timeout=20)
    pop.stls(context=context)
result = {"welcome": pop.getwelcome().decode(), "capa": sorted(pop.capa().keys())}
pop.user(user)
pop.pass_(password)
result["stat"] = list(pop.stat())
result["list"] = [line.decode() for line in pop.list()[1]]
result["uidl"] = [line.decode() for line in pop.uidl()[1]]
result["retr1"] = [line.decode() for line in pop.retr(1)[1]]
result["top2"] = [line.decode() for line in pop.top(2, 0)[1]]
try:
    pop.retr(99)
except poplib.error_proto as e:
    result["retr99"] = str(e)
pop.dele(1)
result["quit"] = pop.quit().decode()
print(json.dumps(result))
