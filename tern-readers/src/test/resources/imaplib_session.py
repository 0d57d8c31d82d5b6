"""A whole IMAP session with Python's imaplib against Tern: login, list, select, append, fetch, store, expunge, idle.

Usage: imaplib_session.py PORT. Prints "ok <step>" lines; any failure raises (exit status 1).
"""
import imaplib
import sys

port = int(sys.argv[1])
M = imaplib.IMAP4("127.0.0.1", port)
M.socket().settimeout(20)
assert "IMAP4REV1" in M.capabilities, M.capabilities
typ, _ = M.login("alice@example.org", "secret")
assert typ == "OK"
print("ok login")

typ, boxes = M.list()
assert typ == "OK" and any(b'INBOX' in b for b in boxes), boxes
assert any(b'\\Sent' in b for b in boxes), boxes
print("ok list")

typ, data = M.append("INBOX", r"(\Flagged)", None, b"Subject: from python\r\n\r\nhello from imaplib\r\n")
assert typ == "OK" and b"APPENDUID" in data[0], data
print("ok append")

typ, data = M.select("INBOX")
assert typ == "OK", data
count = int(data[0])
assert count >= 2, count
print("ok select", count)

typ, data = M.fetch("1:*", "(UID FLAGS RFC822.SIZE BODY.PEEK[])")
assert typ == "OK", data
mine = [d for d in data if isinstance(d, tuple) and b"hello from imaplib" in d[1]]
assert len(mine) == 1 and b"\\Flagged" in mine[0][0], data
print("ok fetch")

typ, data = M.store("1", "+FLAGS", r"(\Deleted)")
assert typ == "OK" and b"\\Deleted" in data[0], data
typ, data = M.expunge()
assert typ == "OK" and data[0] == b"1", data
print("ok expunge")

# RFC 2177 IDLE: the test delivers a message when it reads "idling", and the EXISTS must arrive.
tag = M._new_tag().decode()
M.send(("%s IDLE\r\n" % tag).encode())
line = M.readline()
assert line.startswith(b"+"), line
print("idling", flush=True)
line = M.readline()
assert line.endswith(b"EXISTS\r\n"), line
M.send(b"DONE\r\n")
line = M.readline()
assert line.startswith(tag.encode() + b" OK"), line
print("ok idle")

typ, _ = M.logout()
assert typ == "BYE"
print("ok logout")
