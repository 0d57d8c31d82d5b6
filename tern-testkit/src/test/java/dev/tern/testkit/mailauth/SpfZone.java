package dev.tern.testkit.mailauth;

import dev.tern.testkit.TestDns;

/**
 * One zone for the SPF tables: a domain per case under {@code spf.test}, each named for what it exercises (RFC 7208
 * §4–§7). The same zone serves Tern's evaluator and pyspf.
 */
final class SpfZone {
    private SpfZone() {}

    static void fill(TestDns dns) {
        // §2.6 results and §4.5 record selection
        dns.txt("pass.spf.test", "v=spf1 ip4:192.0.2.1 -all");
        dns.txt("softfail.spf.test", "v=spf1 ~all");
        dns.txt("neutral.spf.test", "v=spf1 ?all");
        dns.txt("default.spf.test", "v=spf1 ip4:10.0.0.1");
        dns.txt("txtonly.spf.test", "hello world");
        dns.txt("two.spf.test", "v=spf1 -all");
        dns.txt("two.spf.test", "v=spf1 +all");
        dns.txt("spfandother.spf.test", "v=spf1 -all");
        dns.txt("spfandother.spf.test", "google-site-verification=abc");
        dns.txt("split.spf.test", "v=spf1 ip4:192.0.2.1", " -all"); // §3.3: strings joined without spaces
        dns.txt("bad.spf.test", "v=spf1 foo -all");
        dns.txt("badcidr.spf.test", "v=spf1 ip4:192.0.2.1/33 -all");
        dns.servfail("servfail.spf.test");
        dns.drop("timeout.spf.test");
        // §5.6 ip4, ip6
        dns.txt("ip6.spf.test", "v=spf1 ip6:2001:db8::/32 -all");
        dns.txt("ip4cidr.spf.test", "v=spf1 ip4:192.0.2.128/25 -all");
        // §5.3 a
        dns.a("a.spf.test", "192.0.2.10").aaaa("a.spf.test", "2001:db8::10");
        dns.txt("a.spf.test", "v=spf1 a -all");
        dns.txt("acidr.spf.test", "v=spf1 a:a.spf.test/24//64 -all");
        dns.txt("atemp.spf.test", "v=spf1 a:servfail.spf.test -all");
        dns.txt("aempty.spf.test", "v=spf1 a -all"); // no A: a void lookup, then -all
        // §5.4 mx
        dns.mx("mx.spf.test", 10, "mx1.spf.test").mx("mx.spf.test", 20, "mx2.spf.test");
        dns.a("mx1.spf.test", "192.0.2.20").a("mx2.spf.test", "192.0.2.21");
        dns.txt("mx.spf.test", "v=spf1 mx -all");
        dns.txt("mxcidr.spf.test", "v=spf1 mx:mx.spf.test/30 -all");
        for (int i = 1; i <= 11; i++) dns.mx("mx11.spf.test", i, "mx1.spf.test");
        dns.txt("mx11.spf.test", "v=spf1 mx -all");
        // §5.5 ptr
        dns.ptr("192.0.2.30", "host.ptr.spf.test").a("host.ptr.spf.test", "192.0.2.30");
        dns.ptr("192.0.2.31", "host2.ptr.spf.test").a("host2.ptr.spf.test", "192.0.2.99");
        dns.txt("ptr.spf.test", "v=spf1 ptr -all");
        dns.txt("ptrother.spf.test", "v=spf1 ptr:other.test -all");
        // §5.7 exists, §7 macros
        dns.a("1.2.0.192.list.spf.test", "127.0.0.2");
        dns.txt("exists.spf.test", "v=spf1 exists:%{ir}.list.spf.test -all");
        dns.a("alice.users.spf.test", "127.0.0.2");
        dns.txt("macro.spf.test", "v=spf1 exists:%{l}.users.spf.test -all");
        dns.a("host.ptr.spf.test.ok.spf.test", "127.0.0.2");
        dns.txt("pmacro.spf.test", "v=spf1 exists:%{p}.ok.spf.test -all");
        dns.a("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.v6list.spf.test", "127.0.0.2");
        dns.txt("v6macro.spf.test", "v=spf1 exists:%{ir}.v6list.spf.test -all");
        dns.a("helo.spf.test", "192.0.2.40");
        dns.txt("helo.spf.test", "v=spf1 a -all");
        // §5.2 include
        dns.txt("inc.spf.test", "v=spf1 include:pass.spf.test -all");
        dns.txt("incsoft.spf.test", "v=spf1 include:softfail.spf.test ?all");
        dns.txt("incnone.spf.test", "v=spf1 include:nothing.spf.test -all");
        dns.txt("inctemp.spf.test", "v=spf1 include:servfail.spf.test -all");
        dns.txt("incperm.spf.test", "v=spf1 include:bad.spf.test -all");
        dns.txt("loop.spf.test", "v=spf1 include:loop.spf.test -all");
        // §6.1 redirect, §6.2 exp, unknown modifiers
        dns.txt("redir.spf.test", "v=spf1 redirect=pass.spf.test");
        dns.txt("redirnone.spf.test", "v=spf1 redirect=nothing.spf.test");
        dns.txt("redirall.spf.test", "v=spf1 ?all redirect=pass.spf.test");
        dns.txt("exp.spf.test", "v=spf1 -all exp=explain.spf.test");
        dns.txt("explain.spf.test", "%{i} is not one of %{d}'s designated mail servers.");
        dns.txt("expredir.spf.test", "v=spf1 redirect=exp.spf.test");
        dns.txt("expinc.spf.test", "v=spf1 include:exp.spf.test -all");
        dns.txt("expbroken.spf.test", "v=spf1 -all exp=nothing.spf.test");
        dns.txt("unknownmod.spf.test", "v=spf1 foo=bar -all");
        // §4.6.4 limits
        dns.txt("terms10.spf.test", "v=spf1" + " a:a.spf.test".repeat(10) + " -all");
        dns.txt("terms11.spf.test", "v=spf1" + " a:a.spf.test".repeat(11) + " -all");
        dns.txt("void2.spf.test", "v=spf1 a:n1.spf.test a:n2.spf.test -all");
        dns.txt("void3.spf.test", "v=spf1 a:n1.spf.test a:n2.spf.test a:n3.spf.test -all");
        dns.txt("chain1.spf.test", "v=spf1 include:chain2.spf.test -all");
        for (int i = 2; i <= 11; i++) {
            dns.txt("chain" + i + ".spf.test", "v=spf1 include:chain" + (i + 1) + ".spf.test -all");
        }
        dns.txt("chain12.spf.test", "v=spf1 +all");
    }
}
