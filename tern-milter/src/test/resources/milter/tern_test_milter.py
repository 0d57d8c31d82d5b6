"""A real milter (pymilter over Sendmail's libmilter) for Tern's milter client tests.

Usage: tern_test_milter.py PORT|unix:PATH FLAVOUR
  FLAVOUR full:   every callback; header is @noreply (SMFIP_NR_HDR); body honours SMFIR_SKIP.
  FLAVOUR nobody: as full, but body is @nocallback (SMFIP_NOBODY).
What the filter does is chosen per connection by the first label of the client host name that SMFIC_CONNECT
carries (addheader.test, rejectrcpt.test, ...). Every accepted message gets an X-Seen header reporting what the
filter was told, so the tests can check what the client sent.
"""
import sys

import Milter


class TernTest(Milter.Base):
    def __init__(self):
        self.mode = ''
        self.helo = ''
        self.client = ''
        self.reset()

    def reset(self):
        self.mail = ''
        self.rcpts = []
        self.headers = []
        self.chunks = 0
        self.body_bytes = 0

    def connect(self, hostname, family, hostaddr):
        self.mode = hostname.split('.')[0]
        self.client = self.getsymval('{client_addr}') or ''
        return Milter.CONTINUE

    def hello(self, name):
        self.helo = name
        return Milter.CONTINUE

    def envfrom(self, mailfrom, *args):
        self.reset()
        self.mail = mailfrom + ''.join(' ' + a for a in args)
        if self.mode == 'tempfail':
            return Milter.TEMPFAIL
        return Milter.CONTINUE

    def envrcpt(self, to, *args):
        if self.mode == 'rejectrcpt' and to.lower() == '<bad@example.test>':
            return Milter.REJECT
        self.rcpts.append(to)
        return Milter.CONTINUE

    @Milter.noreply
    def header(self, name, value):
        self.headers.append(name)
        return Milter.CONTINUE

    def body(self, chunk):
        self.chunks += 1
        self.body_bytes += len(chunk)
        if self.mode == 'skip':
            return Milter.SKIP
        return Milter.CONTINUE

    def eom(self):
        seen = 'helo=%s mail=%s rcpts=%s headers=%s chunks=%d bytes=%d queue=%s client=%s' % (
            self.helo, self.mail, ','.join(self.rcpts), ','.join(self.headers), self.chunks, self.body_bytes,
            self.getsymval('{i}') or '', self.client)
        if self.mode == 'addheader':
            self.addheader('X-Spam-Score', '1.5')
            self.addheader('X-Top', 'first', 0)
            self.addheader('X-Seen', seen)
            return Milter.ACCEPT
        if self.mode == 'replycode':
            self.setreply('550', '5.7.0', 'Message refused by policy', 'Contact your postmaster')
            return Milter.REJECT
        if self.mode == 'quarantine':
            self.quarantine('looks phishy')
            return Milter.ACCEPT
        if self.mode == 'chgheader':
            self.chgheader('Subject', 1, 'changed subject')
            self.chgheader('X-Remove', 1, None)
            self.chgheader('Received', 2, 'by changed.test')
            return Milter.CONTINUE
        if self.mode == 'discard':
            return Milter.DISCARD
        if self.mode == 'progress':
            self.progress()
            self.progress()
        self.addheader('X-Seen', seen)
        return Milter.CONTINUE

    def abort(self):
        self.reset()
        return Milter.CONTINUE


class NoBody(TernTest):
    @Milter.nocallback
    def body(self, chunk):
        return Milter.CONTINUE


if __name__ == '__main__':
    port, flavour = sys.argv[1], sys.argv[2]
    Milter.factory = NoBody if flavour == 'nobody' else TernTest
    socket = port if port.startswith('unix:') else 'inet:%s@127.0.0.1' % port
    Milter.runmilter('tern-test', socket, timeout=30)
