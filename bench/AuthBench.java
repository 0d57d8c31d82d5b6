// AuthBench: the Java side of bench/auth.sh (issue 9's performance clause: inbound SPF/DKIM/DMARC verification and
// DKIM signing). A single file, Java 25, run from source on Tern's classpath (the tern-app jar, its lib/, and
// tern-testkit's classes for the DNS server):
//
//   java -cp CP bench/AuthBench.java keygen DKIM_DIR DOMAIN
//       an Ed25519 and an RSA-2048 key for DOMAIN under DKIM_DIR (DkimKeys.generate, as `tern dkim keygen`), active.
//   java -cp CP bench/AuthBench.java dns DKIM_DIR DOMAIN --port-file F [--max-s 3600]
//       TestDns on 127.0.0.1 (a free port, written to F) serving DOMAIN's SPF "v=spf1 ip4:127.0.0.1 -all",
//       _dmarc.DOMAIN "v=DMARC1; p=reject" and the DKIM key records of every key in DKIM_DIR/DOMAIN, TTL 3600.
//       Runs until SIGTERM or --max-s; then prints "RESULT dns queries=N" (every query it answered).
//   java -cp CP bench/AuthBench.java presign DKIM_DIR DOMAIN OUT N [--size 1024] [--sign true|false]
//       N messages "From: someone@DOMAIN", "To: bench@localhost", each of --size octets before signing (header
//       section + body), DKIM-signed with both active keys of DOMAIN (DkimSigner: Ed25519 and RSA; no line starts with "."),
//       written to OUT as (int length, octets) records.
//   java -cp CP bench/AuthBench.java load HOST:PORT FILE --sessions C --count M [--secs S] [--pid PID]
//            [--from ADDR] [--to ADDR] [--per-conn K] [--auth USER:PASS] [--offset I]
//       sends up to M messages of FILE (from record I, wrapping) from C sessions, K messages per connection
//       (default 1: a new connection per message, like smtp-source), lock-step (EHLO, [AUTH PLAIN,] MAIL, RCPT,
//       DATA, content, "."); stops at M or after S seconds (default 60). Before it starts, waits (at most 60 s)
//       until the server PID has used under 5% of a CPU for a second. msgs/s = messages answered 250 / time from
//       the start to the last 250; server CPU = utime+stime of /proc/PID/stat across the point / messages.
//       Prints "RESULT load sessions=.. acked=.. errors=.. secs=.. per_s=.. cpu_ms_per_msg=..".
//   java -cp CP bench/AuthBench.java check MAILDIR [--expect verified|unverified|signed|unsigned]
//       reads every message file in MAILDIR/new and cur/ and counts those whose Authentication-Results: say
//       dkim=pass twice, spf=pass and dmarc=pass (verified), those with no such field (unverified), and (signed)
//       those that carry two DKIM-Signature: fields (unsigned: none). Prints "RESULT check files=.. verified=.. unverified=..
//       signed=.. expected=.. ok=true|false".
//   java -cp CP bench/AuthBench.java signcost DKIM_DIR DOMAIN [--iterations 20000] [--rsa-iterations 3000]
//       CPU per message of DkimSigner.sign over a 1 KiB message (the header fields parsed beforehand), with the
//       Ed25519 key alone, the RSA key alone and both, in thread CPU time (ThreadMXBean) after a warm-up;
//       3 rounds each, prints every round and "RESULT signcost alg=.. us_per_msg=.. (median)".
//
// All SMTP traffic goes to a loopback address; every loop is bounded in count and in time.
import dev.tern.mailauth.HeaderField;
import dev.tern.mailauth.HeaderSection;
import dev.tern.mailauth.dkim.DkimKeys;
import dev.tern.mailauth.dkim.DkimSigner;
import dev.tern.mailauth.dkim.SigningKey;
import dev.tern.testkit.TestDns;
import java.io.*;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.time.Clock;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import java.util.regex.*;

public class AuthBench {
    static final Map<String, String> opt = new HashMap<>();
    static final List<String> args = new ArrayList<>();
    static final long CLK_TCK = 100;   // USER_HZ on Linux

    public static void main(String[] a) throws Exception {
        for (int i = 0; i < a.length; i++) {
            if (a[i].startsWith("--")) {
                if (i + 1 >= a.length) usage();
                opt.put(a[i].substring(2), a[++i]);
            } else args.add(a[i]);
        }
        if (args.isEmpty()) usage();
        long maxS = Long.parseLong(opt.getOrDefault("max-s", "3600"));
        Thread.ofPlatform().daemon().start(() -> {   // whatever happens, the run ends
            try { Thread.sleep(maxS * 1000 + 30_000); } catch (InterruptedException e) { return; }
            System.err.println("AuthBench: hard time limit reached, exiting");
            Runtime.getRuntime().halt(3);
        });
        switch (args.getFirst()) {
            case "keygen" -> { need(3); keygen(Path.of(args.get(1)), args.get(2)); }
            case "dns" -> { need(3); dns(Path.of(args.get(1)), args.get(2), maxS); }
            case "presign" -> { need(5); presign(Path.of(args.get(1)), args.get(2), Path.of(args.get(3)), Integer.parseInt(args.get(4))); }
            case "load" -> { need(3); load(args.get(1), Path.of(args.get(2))); }
            case "check" -> { need(2); check(Path.of(args.get(1))); }
            case "signcost" -> { need(3); signcost(Path.of(args.get(1)), args.get(2)); }
            default -> usage();
        }
        System.exit(0);
    }

    static void need(int n) { if (args.size() != n) usage(); }

    static void usage() {
        System.err.println("usage: AuthBench keygen|dns|presign|load|check|signcost ...  (see the comment at the top of the file)");
        System.exit(2);
    }

    static int intOpt(String k, int d) { return opt.containsKey(k) ? Integer.parseInt(opt.get(k)) : d; }

    // ---------------------------------------------------------------- keys and DNS

    static void keygen(Path dkimDir, String domain) throws IOException {
        for (DkimKeys.Key k : DkimKeys.generate(dkimDir, domain, "bench")) {
            System.out.println(k.algorithm() + " " + k.selector() + " active=" + k.active());
        }
    }

    static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    static void dns(Path dkimDir, String domain, long maxS) throws Exception {
        TestDns dns = TestDns.start().ttl(3600).negativeTtl(3600);
        dns.txt(domain, "v=spf1 ip4:127.0.0.1 -all");
        dns.txt("_dmarc." + domain, "v=DMARC1; p=reject");
        dns.a(domain, "127.0.0.1");
        int keys = 0;
        for (DkimKeys.Key k : DkimKeys.list(dkimDir)) {
            if (!k.domain().equals(domain)) continue;
            // The record as `tern dkim list` prints it: "<sel>._domainkey.<domain>. IN TXT ( "..." "..." )".
            String record = k.dnsRecord();
            String name = record.substring(0, record.indexOf(' '));
            List<String> strings = new ArrayList<>();
            Matcher m = QUOTED.matcher(record);
            while (m.find()) strings.add(m.group(1));
            dns.txt(name.endsWith(".") ? name.substring(0, name.length() - 1) : name, strings.toArray(String[]::new));
            keys++;
        }
        if (keys == 0) throw new IllegalStateException("no DKIM keys for " + domain + " in " + dkimDir);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("RESULT dns queries=" + dns.queries().size() + " "
                    + summarize(dns.queries()));
            System.out.flush();
            stop.countDown();
        }));
        Path portFile = Path.of(opt.getOrDefault("port-file", "dns.port"));
        Files.writeString(portFile.resolveSibling(portFile.getFileName() + ".tmp"), Integer.toString(dns.address().getPort()));
        Files.move(portFile.resolveSibling(portFile.getFileName() + ".tmp"), portFile, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("dns on " + dns.address() + " keys=" + keys);
        System.out.flush();
        stop.await(maxS, TimeUnit.SECONDS);
    }

    static String summarize(List<TestDns.Query> queries) {
        Map<String, Integer> by = new TreeMap<>();
        for (TestDns.Query q : queries) by.merge(q.type() + ":" + q.name(), 1, Integer::sum);
        StringBuilder s = new StringBuilder();
        int n = 0;
        for (var e : by.entrySet()) { if (n++ < 12) s.append(e.getKey()).append('=').append(e.getValue()).append(' '); }
        return s.toString().strip();
    }

    // ---------------------------------------------------------------- messages

    /** A message of about {@code size} octets (header section + body), CRLF lines, no line starting with ".". */
    static String[] message(String domain, int n, int size) {
        String header = "From: Someone <someone@" + domain + ">\r\n"
                + "To: Bench <bench@localhost>\r\n"
                + "Subject: auth bench message " + n + "\r\n"
                + "Date: Wed, 02 Dec 2026 06:00:00 +0000\r\n"
                + "Message-ID: <ab." + n + "@" + domain + ">\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "X-Bench-Id: ab." + n + "\r\n"
                + "\r\n";
        StringBuilder body = new StringBuilder();
        String line = "The quick brown fox jumps over the lazy dog, message " + n + ", line ";
        int i = 0;
        while (header.length() + body.length() < size - 80) body.append(line).append(i++).append("\r\n");
        while (header.length() + body.length() < size - 2) body.append('x');
        body.append("\r\n");
        return new String[] {header, body.toString()};
    }

    static void presign(Path dkimDir, String domain, Path out, int n) throws IOException {
        int size = intOpt("size", 1024);
        boolean sign = Boolean.parseBoolean(opt.getOrDefault("sign", "true"));
        DkimSigner signer = sign ? DkimKeys.signers(dkimDir, Clock.systemUTC()).get(domain) : null;
        if (sign && (signer == null || signer.keys().size() != 2)) {
            throw new IllegalStateException("expected two active keys for " + domain + " in " + dkimDir);
        }
        long signed = 0, plain = 0;
        try (DataOutputStream o = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(out), 1 << 20))) {
            for (int k = 0; k < n; k++) {
                String[] m = message(domain, k, size);
                byte[] header = m[0].getBytes(StandardCharsets.US_ASCII);
                byte[] body = m[1].getBytes(StandardCharsets.US_ASCII);
                StringBuilder text = new StringBuilder();
                if (signer != null) {
                    List<HeaderField> fields = HeaderSection.parse(header);
                    for (String f : signer.sign(fields, body)) text.append(f);
                }
                text.append(m[0]).append(m[1]);
                byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
                if (k == 0) { signed = bytes.length; plain = header.length + body.length; }
                o.writeInt(bytes.length);
                o.write(bytes);
            }
        }
        System.out.println("RESULT presign messages=" + n + " octets_unsigned=" + plain + " octets_signed=" + signed
                + " keys=" + (signer == null ? 0 : signer.keys().size()));
    }

    static List<byte[]> readMessages(Path file) throws IOException {
        List<byte[]> list = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            while (true) {
                int len;
                try { len = in.readInt(); } catch (EOFException e) { break; }
                if (len < 0 || len > 10 << 20) throw new IOException("bad record length " + len);
                byte[] b = new byte[len];
                in.readFully(b);
                list.add(b);
            }
        }
        return list;
    }

    // ---------------------------------------------------------------- load

    static InetSocketAddress loopback(String hostPort) throws UnknownHostException {
        int colon = hostPort.lastIndexOf(':');
        InetAddress addr = InetAddress.getByName(hostPort.substring(0, colon));
        if (!addr.isLoopbackAddress()) throw new IllegalArgumentException("only loopback addresses: " + hostPort);
        return new InetSocketAddress(addr, Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** utime+stime of a process (all its threads), in clock ticks; -1 if unreadable. */
    static long cpuTicks(long pid) {
        if (pid <= 0) return -1;
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);   // fields 14 and 15
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static void waitIdle(long pid) throws InterruptedException {
        if (pid <= 0) return;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            long t0 = cpuTicks(pid);
            Thread.sleep(1000);
            long t1 = cpuTicks(pid);
            if (t0 < 0 || t1 < 0 || t1 - t0 < CLK_TCK / 20) return;   // under 5% of a CPU for a second
        }
        System.err.println("warning: server not idle after 60 s");
    }

    static void load(String hostPort, Path file) throws Exception {
        InetSocketAddress target = loopback(hostPort);
        List<byte[]> messages = readMessages(file);
        if (messages.isEmpty()) throw new IllegalStateException("no messages in " + file);
        int sessions = intOpt("sessions", 10), count = intOpt("count", 2000), perConn = intOpt("per-conn", 1);
        int offset = intOpt("offset", 0);
        long secs = intOpt("secs", 60);
        long pid = Long.parseLong(opt.getOrDefault("pid", "0"));
        String from = opt.getOrDefault("from", "someone@sender.test"), to = opt.getOrDefault("to", "bench@localhost");
        String auth = opt.get("auth");
        String plain = auth == null ? null : Base64.getEncoder().encodeToString(
                ("\0" + auth.substring(0, auth.indexOf(':')) + "\0" + auth.substring(auth.indexOf(':') + 1))
                        .getBytes(StandardCharsets.UTF_8));
        waitIdle(pid);
        AtomicInteger next = new AtomicInteger(), acked = new AtomicInteger(), errors = new AtomicInteger();
        AtomicLong lastAck = new AtomicLong();
        Map<String, Integer> errorKinds = new ConcurrentHashMap<>();
        long cpu0 = cpuTicks(pid);
        long start = System.nanoTime(), deadline = start + secs * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            threads.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < deadline && next.get() < count) {
                    try (Socket sock = new Socket()) {
                        sock.setSoTimeout(30_000);
                        sock.setTcpNoDelay(true);
                        sock.connect(target, 10_000);
                        BufferedReader in = new BufferedReader(new InputStreamReader(sock.getInputStream(), StandardCharsets.ISO_8859_1));
                        OutputStream out = new BufferedOutputStream(sock.getOutputStream(), 1 << 16);
                        expect(in, "220");
                        cmd(out, in, "EHLO client.sender.test", "250");
                        if (plain != null) cmd(out, in, "AUTH PLAIN " + plain, "235");
                        for (int k = 0; k < perConn; k++) {
                            int i = next.getAndIncrement();
                            if (i >= count || System.nanoTime() >= deadline) break;
                            cmd(out, in, "MAIL FROM:<" + from + ">", "250");
                            cmd(out, in, "RCPT TO:<" + to + ">", "250");
                            cmd(out, in, "DATA", "354");
                            out.write(messages.get((offset + i) % messages.size()));
                            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            expect(in, "250");
                            acked.incrementAndGet();
                            lastAck.accumulateAndGet(System.nanoTime(), Math::max);
                        }
                        cmd(out, in, "QUIT", "221");
                    } catch (IOException | RuntimeException e) {
                        errors.incrementAndGet();
                        errorKinds.merge(String.valueOf(e.getMessage()).replaceAll("[0-9]+", "N"), 1, Integer::sum);
                        if (errors.get() > 1000) return;
                    }
                }
            }));
        }
        for (Thread t : threads) t.join(secs * 1000 + 120_000);
        long cpu1 = cpuTicks(pid);
        double wall = ((lastAck.get() == 0 ? System.nanoTime() : lastAck.get()) - start) / 1e9;
        int n = acked.get();
        double cpuMs = cpu0 < 0 || cpu1 < 0 || n == 0 ? Double.NaN : (cpu1 - cpu0) * 1000.0 / CLK_TCK / n;
        if (!errorKinds.isEmpty()) System.err.println("errors: " + errorKinds);
        System.out.printf(Locale.ROOT, "RESULT load sessions=%d per_conn=%d acked=%d errors=%d secs=%.2f per_s=%.1f cpu_ms_per_msg=%.3f%n",
                sessions, perConn, n, errors.get(), wall, n / wall, cpuMs);
    }

    static void cmd(OutputStream out, BufferedReader in, String line, String code) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        expect(in, code);
    }

    static void expect(BufferedReader in, String code) throws IOException {
        while (true) {
            String l = in.readLine();
            if (l == null) throw new IOException("connection closed, expected " + code);
            if (l.length() < 4 || l.charAt(3) != '-') {
                if (!l.startsWith(code)) throw new IOException("expected " + code + ", got " + l);
                return;
            }
        }
    }

    // ---------------------------------------------------------------- check

    static final Pattern DKIM_PASS = Pattern.compile("\\bdkim=pass\\b");

    static void check(Path maildir) throws IOException {
        String expect = opt.getOrDefault("expect", "verified");
        int files = 0, verified = 0, unverified = 0, signed = 0, unsigned = 0, other = 0;
        String sample = null;
        for (String d : List.of("new", "cur")) {
            Path dir = maildir.resolve(d);
            if (!Files.isDirectory(dir)) continue;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    files++;
                    byte[] all = Files.readAllBytes(p);
                    String text = new String(all, StandardCharsets.ISO_8859_1);
                    int end = text.indexOf("\r\n\r\n");
                    if (end < 0) end = text.indexOf("\n\n");
                    List<HeaderField> fields = HeaderSection.parse(
                            text.substring(0, end < 0 ? text.length() : end + 2).getBytes(StandardCharsets.ISO_8859_1));
                    List<String> ar = fields.stream().filter(f -> f.is("Authentication-Results")).map(HeaderField::value).toList();
                    long sigs = fields.stream().filter(f -> f.is("DKIM-Signature")).count();
                    if (sigs == 2) signed++;
                    if (sigs == 0) unsigned++;
                    if (ar.isEmpty()) { unverified++; continue; }
                    String v = String.join(" ; ", ar).replaceAll("\\s+", " ");
                    if (DKIM_PASS.matcher(v).results().count() == 2 && v.contains("spf=pass") && v.contains("dmarc=pass")) {
                        verified++;
                        if (sample == null) sample = v;
                    } else {
                        other++;
                        if (other <= 3 && expect.equals("verified")) System.err.println("not verified: " + p.getFileName() + ": " + v);
                    }
                }
            }
        }
        boolean ok = files > 0 && switch (expect) {
            case "verified" -> verified == files;
            case "unverified" -> unverified == files;
            case "signed" -> signed == files;
            case "unsigned" -> unsigned == files;
            default -> throw new IllegalArgumentException("--expect verified|unverified|signed|unsigned");
        };
        if (sample != null) System.out.println("sample Authentication-Results: " + sample);
        System.out.println("RESULT check files=" + files + " verified=" + verified + " unverified=" + unverified
                + " other=" + other + " signed=" + signed + " unsigned=" + unsigned + " expected=" + expect + " ok=" + ok);
    }

    // ---------------------------------------------------------------- signing cost

    static void signcost(Path dkimDir, String domain) throws IOException {
        DkimSigner both = DkimKeys.signers(dkimDir, Clock.systemUTC()).get(domain);
        if (both == null) throw new IllegalStateException("no active keys for " + domain);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        String[] m = message(domain, 1, 1024);
        List<HeaderField> headers = HeaderSection.parse(m[0].getBytes(StandardCharsets.US_ASCII));
        byte[] body = m[1].getBytes(StandardCharsets.US_ASCII);
        int edIt = intOpt("iterations", 20_000), rsaIt = intOpt("rsa-iterations", 3_000);
        Map<String, DkimSigner> signers = new LinkedHashMap<>();
        for (SigningKey k : both.keys()) {
            String alg = k.algorithm() == SigningKey.Algorithm.ED25519_SHA256 ? "ed25519" : "rsa2048";
            signers.put(alg, new DkimSigner(List.of(k), Clock.systemUTC()));
        }
        signers.put("both", both);
        for (var e : signers.entrySet()) {
            int it = e.getKey().equals("ed25519") ? edIt : rsaIt;
            DkimSigner s = e.getValue();
            long sink = 0;
            for (int i = 0; i < Math.max(2000, it / 2); i++) sink += s.sign(headers, body).getFirst().length();   // warm-up
            List<Double> rounds = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                long c0 = mx.getCurrentThreadCpuTime(), w0 = System.nanoTime();
                for (int i = 0; i < it; i++) sink += s.sign(headers, body).getFirst().length();
                long c1 = mx.getCurrentThreadCpuTime(), w1 = System.nanoTime();
                double us = (c1 - c0) / 1e3 / it;
                rounds.add(us);
                System.out.printf(Locale.ROOT, "signcost %s round %d: %d signs, %.1f us CPU/msg (wall %.1f us/msg)%n",
                        e.getKey(), r + 1, it, us, (w1 - w0) / 1e3 / it);
            }
            Collections.sort(rounds);
            System.out.printf(Locale.ROOT, "RESULT signcost alg=%s us_per_msg=%.1f rounds=%s sink=%d%n", e.getKey(),
                    rounds.get(1), rounds.stream().map(x -> String.format(Locale.ROOT, "%.1f", x)).toList(), sink % 10);
        }
    }
}
