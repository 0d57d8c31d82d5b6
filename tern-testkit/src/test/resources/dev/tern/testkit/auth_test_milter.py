"""A real milter (pymilter over libmilter) for MailAuthWireTest: the content stage's filter seam end to end.

Usage: auth_test_milter.py PORT
By the message's Subject: "reject-me" -> 550 with a custom reply, "tempfail-me" -> tempfail, "quarantine-me"
-> quarantine; every accepted message gets an X-Milter header naming the recipients and the Subject it saw.
"""
import sys

import Milter


class AuthTest(Milter.Base):
    def __init__(self):
        self.subject = ''
        self.rcpts = []

    def envfrom(self, mailfrom, *args):
        self.subject = ''
        self.rcpts = []
        return Milter.CONTINUE

    def envrcpt(self, to, *args):
        self.rcpts.append(to)
        return Milter.CONTINUE

    def header(self, name, value):
        if name.lower() == 'subject':
            self.subject = value.strip()
        return Milter.CONTINUE

    def eom(self):
        if self.subject == 'reject-me':
            self.setreply('550', '5.7.1', 'rejected by the test filter')
            return Milter.REJECT
        if self.subject == 'tempfail-me':
            return Milter.TEMPFAIL
        if self.subject == 'quarantine-me':
            self.quarantine('test quarantine')
        self.addheader('X-Milter', 'seen rcpts=' + ','.join(self.rcpts) + ' subject=' + self.subject)
        return Milter.ACCEPT


if __name__ == '__main__':
    Milter.factory = AuthTest
    Milter.set_flags(Milter.ADDHDRS + Milter.QUARANTINE)
    Milter.runmilter('authtest', 'inet:' + sys.argv[1] + '@127.0.0.1', 30)
