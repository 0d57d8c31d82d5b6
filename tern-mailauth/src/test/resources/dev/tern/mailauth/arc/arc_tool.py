"""dkimpy's ARC, for the tests: seal a message or validate its chain, with keys from a JSON table, not DNS.

    arc_tool.py verify KEYS.json MESSAGE         prints {"cv": "pass"|"fail"|"none"|null, "reason": ...}
    arc_tool.py seal KEYS.json MESSAGE SELECTOR DOMAIN KEY.pem SRV_ID TIMESTAMP
                                                 writes the new ARC Set's fields (to prepend) to stdout
KEYS.json maps "selector._domainkey.domain" to the TXT record.
"""
import json
import sys

import dkim


def main():
    mode, keys_file, message_file = sys.argv[1:4]
    with open(keys_file) as f:
        keys = json.load(f)

    def dnsfunc(name, timeout=5):
        n = (name.decode() if isinstance(name, bytes) else name).rstrip('.').lower()
        record = keys.get(n)
        return record.encode() if record is not None else None

    with open(message_file, 'rb') as f:
        message = f.read()
    if mode == 'verify':
        cv, _, reason = dkim.arc_verify(message, dnsfunc=dnsfunc)
        print(json.dumps({'cv': cv.decode() if cv else None, 'reason': str(reason)}))
    elif mode == 'seal':
        selector, domain, key_file, srv_id, timestamp = sys.argv[4:9]
        with open(key_file, 'rb') as f:
            key = f.read()
        fields = dkim.arc_sign(message, selector.encode(), domain.encode(), key, srv_id.encode(),
                               timestamp=int(timestamp))
        sys.stdout.buffer.write(b''.join(fields))
    else:
        sys.exit('unknown mode ' + mode)


if __name__ == '__main__':
    main()
