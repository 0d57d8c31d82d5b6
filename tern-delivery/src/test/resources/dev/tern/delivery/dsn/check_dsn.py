# Parses each DSN file named on the command line with Python's email package and prints, per file, one JSON
# line: the top-level type and report-type, each part's type, the status groups, and every defect found.
import email
import email.parser
import email.policy
import json
import sys


def groups(part):
    payload = part.get_payload()
    if isinstance(payload, list) and part.get_content_type() == "message/delivery-status":
        return [[[k, str(v)] for k, v in block.items()] for block in payload]
    raw = part.get_payload(decode=True) or b""
    if isinstance(payload, list):
        raw = b"".join(p.as_bytes() for p in payload)
    text = raw.decode("utf-8").replace("\r\n", "\n")
    parser = email.parser.HeaderParser(policy=email.policy.default)
    return [[[k, str(v)] for k, v in parser.parsestr(b).items()] for b in text.split("\n\n") if b.strip()]


for name in sys.argv[1:]:
    with open(name, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    defects = [repr(d) for d in msg.defects]
    parts = []
    status = []
    for i, part in enumerate(msg.iter_parts()):
        parts.append(part.get_content_type())
        defects += [repr(d) for d in part.defects]
        if i == 1:
            status = groups(part)
    print(json.dumps({
        "type": msg.get_content_type(),
        "report_type": msg.get_param("report-type"),
        "subject": str(msg["subject"]),
        "parts": parts,
        "status": status,
        "defects": defects,
    }, ensure_ascii=False))
