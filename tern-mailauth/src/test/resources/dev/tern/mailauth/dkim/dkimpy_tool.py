# Runs dkimpy (Debian python3-dkim) for DkimpyInteropTest: an independent DKIM implementation.
#   verify MESSAGE RECORDS_JSON COUNT        prints pass/fail for each of the first COUNT signatures
#   sign MESSAGE SELECTOR DOMAIN KEYFILE ALG HEADER_CANON BODY_CANON   prints the DKIM-Signature field
# Key records come from RECORDS_JSON (name -> TXT text) through dkimpy's dnsfunc; no network.
import json
import sys

import dkim


def verify(message_file, records_file, count):
    message = open(message_file, 'rb').read()
    records = json.load(open(records_file))

    def dnsfunc(name, timeout=5):
        record = records.get(name.decode('ascii').rstrip('.').lower())
        return record.encode('ascii') if record else None

    d = dkim.DKIM(message)
    for i in range(int(count)):
        try:
            print('pass' if d.verify(idx=i, dnsfunc=dnsfunc) else 'fail')
        except dkim.DKIMException as e:
            print('fail ' + str(e))


def sign(message_file, selector, domain, key_file, algorithm, header_canon, body_canon):
    message = open(message_file, 'rb').read()
    key = open(key_file, 'rb').read()
    field = dkim.sign(message, selector.encode(), domain.encode(), key,
                      canonicalize=(header_canon.encode(), body_canon.encode()),
                      signature_algorithm=algorithm.encode(),
                      include_headers=[b'from', b'to', b'subject', b'date', b'message-id'])
    sys.stdout.buffer.write(field)


if __name__ == '__main__':
    {'verify': verify, 'sign': sign}[sys.argv[1]](*sys.argv[2:])
