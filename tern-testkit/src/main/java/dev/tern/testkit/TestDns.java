package dev.tern.testkit;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A DNS server on {@code 127.0.0.1} (UDP and TCP on one free port) answering from a zone a test fills in, built on
 * dnsjava's message classes. It is authoritative for every name: a name with no records is NXDOMAIN, a name with
 * records but none of the type asked is NODATA; both carry an SOA whose TTL and MINIMUM are
 * {@link #negativeTtl(int)}. CNAMEs are followed inside the zone (at most 16, so a loop ends) unless
 * {@link #followCnames(boolean)} says not to. A UDP answer larger than the query allows (512 octets, or its EDNS0
 * size) is truncated with TC set, so a client retries over TCP. Names can be made to SERVFAIL or to get no answer at
 * all (a timeout). Every query is logged ({@link #queries()}).
 *
 * <p>Owns two virtual threads (the UDP loop and the TCP accept loop) and one per TCP connection, until
 * {@link #close()}. The zone may change while it runs.
 */
public final class TestDns implements AutoCloseable {
    /** One query as the server received it. */
    public record Query(String name, String type, boolean tcp) {}

    private static final int MAX_CHAIN = 16;
    private static final int MAX_BIND_TRIES = 20;

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Map<Name, List<Record>> zone = new ConcurrentHashMap<>();
    private final List<SignedZone> signedZones = new CopyOnWriteArrayList<>();
    private final Set<Name> servfail = ConcurrentHashMap.newKeySet();
    private final Set<Name> drop = ConcurrentHashMap.newKeySet();
    private final List<Query> log = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private volatile long ttl = 300;
    private volatile long negativeTtl = 60;
    private volatile boolean followCnames = true;

    private TestDns(DatagramSocket udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
        Thread.ofVirtual().name("test-dns-udp").start(this::serveUdp);
        Thread.ofVirtual().name("test-dns-tcp").start(this::acceptTcp);
    }

    /** Binds UDP and TCP to one free port on 127.0.0.1 and starts answering (with an empty zone). */
    public static TestDns start() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (int attempt = 0; ; attempt++) {
            DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
            try {
                ServerSocket tcp = new ServerSocket();
                try {
                    tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()));
                    return new TestDns(udp, tcp);
                } catch (BindException e) {
                    tcp.close();
                    if (attempt >= MAX_BIND_TRIES) throw e;
                }
            } catch (IOException | RuntimeException e) {
                udp.close();
                throw e;
            }
            udp.close(); // the TCP port was taken: try another
        }
    }

    /** The address to give a resolver ({@code dns.servers}). */
    public InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    /** The TTL of records added from now on (default 300 s). */
    public TestDns ttl(long seconds) {
        ttl = seconds;
        return this;
    }

    /** The SOA TTL and MINIMUM sent with NXDOMAIN and NODATA answers (default 60 s; 0 tells clients not to cache). */
    public TestDns negativeTtl(long seconds) {
        negativeTtl = seconds;
        return this;
    }

    /** Whether answers include the records at the end of a CNAME chain (default true, as a recursive resolver). */
    public TestDns followCnames(boolean follow) {
        followCnames = follow;
        return this;
    }

    public TestDns mx(String name, int preference, String exchange) {
        return add(new MXRecord(name(name), DClass.IN, ttl, preference, name(exchange)));
    }

    /** RFC 7505's Null MX: {@code MX 0 .}. */
    public TestDns nullMx(String name) {
        return add(new MXRecord(name(name), DClass.IN, ttl, 0, Name.root));
    }

    public TestDns a(String name, String... addresses) {
        for (String address : addresses) add(new ARecord(name(name), DClass.IN, ttl, InetAddress.ofLiteral(address)));
        return this;
    }

    public TestDns aaaa(String name, String... addresses) {
        for (String address : addresses) {
            add(new AAAARecord(name(name), DClass.IN, ttl, InetAddress.ofLiteral(address)));
        }
        return this;
    }

    public TestDns cname(String name, String target) {
        return add(new CNAMERecord(name(name), DClass.IN, ttl, name(target)));
    }

    /** One TXT record made of {@code strings} (each at most 255 octets). */
    public TestDns txt(String name, String... strings) {
        return add(new TXTRecord(name(name), DClass.IN, ttl, List.of(strings)));
    }

    /**
     * Answers the names of {@code signed} from it, with DNSSEC records for queries with the DO bit (RFC 3225); its
     * insecure children and every other name still come from this server's unsigned records.
     */
    public TestDns serve(SignedZone signed) {
        signedZones.add(signed);
        return this;
    }

    /** A PTR record at the reverse name of {@code address} ({@code in-addr.arpa} or {@code ip6.arpa}). */
    public TestDns ptr(String address, String target) {
        return add(new PTRRecord(ReverseMap.fromAddress(InetAddress.ofLiteral(address)).canonicalize(), DClass.IN,
                ttl, name(target)));
    }

    /** Answers every query for {@code name} with SERVFAIL. */
    public TestDns servfail(String name) {
        servfail.add(name(name));
        return this;
    }

    /** Never answers a query for {@code name}: the client times out. */
    public TestDns drop(String name) {
        drop.add(name(name));
        return this;
    }

    /** Removes every record of {@code name} and its SERVFAIL or drop mark (it becomes NXDOMAIN). */
    public TestDns remove(String name) {
        Name n = name(name);
        zone.remove(n);
        servfail.remove(n);
        drop.remove(n);
        return this;
    }

    /** Every query received so far, in order. */
    public List<Query> queries() {
        return List.copyOf(log);
    }

    /** How many queries for {@code name} and {@code type} (e.g. {@code "MX"}) were received. */
    public long queries(String name, String type) {
        String n = name(name).toString(true);
        return log.stream().filter(q -> q.name().equals(n) && q.type().equals(type)).count();
    }

    @Override
    public void close() {
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            // closing a listening socket only fails if it is already closed; nothing to release
        }
        for (Socket s : connections) closeQuietly(s);
    }

    private TestDns add(Record record) {
        zone.compute(record.getName(), (n, records) -> {
            List<Record> list = records == null ? new CopyOnWriteArrayList<>() : records;
            list.add(record);
            return list;
        });
        return this;
    }

    static Name name(String text) {
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".").canonicalize();
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + text, e);
        }
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!udp.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
            } catch (IOException e) {
                return; // closed
            }
            byte[] in = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
            Message query = parse(in);
            if (query == null) continue;
            Message response = answer(query, false);
            if (response == null) continue;
            OPTRecord opt = query.getOPT();
            int limit = opt == null ? 512 : Math.max(512, opt.getPayloadSize());
            byte[] out = response.toWire(limit); // sets TC and drops records when the answer does not fit
            try {
                udp.send(new DatagramPacket(out, out.length, packet.getSocketAddress()));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void acceptTcp() {
        while (!tcp.isClosed()) {
            Socket socket;
            try {
                socket = tcp.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.add(socket);
            Thread.ofVirtual().name("test-dns-tcp-conn").start(() -> serveTcp(socket));
        }
    }

    /** RFC 1035 §4.2.2: each message is preceded by its two-octet length; several may share a connection. */
    private void serveTcp(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            for (int served = 0; served < 1000; served++) {
                byte[] bytes = new byte[in.readUnsignedShort()];
                in.readFully(bytes);
                Message query = parse(bytes);
                if (query == null) return;
                Message response = answer(query, true);
                if (response == null) continue;
                byte[] wire = response.toWire();
                out.writeShort(wire.length);
                out.write(wire);
                out.flush();
            }
        } catch (EOFException | SocketException e) {
            // the client closed the connection, or close() did
        } catch (IOException e) {
            // a read timed out or the connection broke: the test's client sees that itself
        } finally {
            connections.remove(socket);
        }
    }

    private static Message parse(byte[] bytes) {
        try {
            return new Message(bytes);
        } catch (IOException e) {
            return null; // not a DNS message: a real server drops it too
        }
    }

    /** The response to {@code query}, or null to send none. */
    private Message answer(Message query, boolean overTcp) {
        Record question = query.getQuestion();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        if (query.getHeader().getFlag(Flags.RD)) response.getHeader().setFlag(Flags.RD);
        response.getHeader().setFlag(Flags.RA);
        if (question == null) {
            response.getHeader().setRcode(Rcode.FORMERR);
            return response;
        }
        Name qname = question.getName().canonicalize();
        log.add(new Query(qname.toString(true), Type.string(question.getType()), overTcp));
        if (drop.contains(qname)) return null;
        response.addRecord(question, Section.QUESTION);
        if (query.getOPT() != null) {
            int flags = query.getOPT().getFlags() & ExtendedFlags.DO; // RFC 3225 §3: DO is copied to the response
            response.addRecord(new OPTRecord(4096, 0, 0, flags), Section.ADDITIONAL);
        }
        if (servfail.contains(qname)) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response;
        }
        response.getHeader().setFlag(Flags.AA);
        boolean dnssecOk = query.getOPT() != null && (query.getOPT().getFlags() & ExtendedFlags.DO) != 0;
        Name current = qname;
        for (int hop = 0; hop < MAX_CHAIN; hop++) {
            SignedZone signed = signedZoneFor(current, question.getType());
            Name next = signed != null
                    ? answerSigned(signed.lookup(current, question.getType(), dnssecOk), response)
                    : answerUnsigned(current, question.getType(), response);
            if (next == null) return response;
            if (!followCnames) return response;
            current = next;
        }
        response.addRecord(soa(), Section.AUTHORITY); // a chain cut at MAX_CHAIN
        return response;
    }

    private SignedZone signedZoneFor(Name name, int type) {
        for (SignedZone z : signedZones) {
            if (z.answers(name, type)) return z;
        }
        return null;
    }

    /** Adds what {@code reply} says; returns the CNAME target to follow, or null when the answer is complete. */
    private static Name answerSigned(SignedZone.Reply reply, Message response) {
        switch (reply) {
            case SignedZone.Reply.Found f -> {
                for (Record r : f.answer()) response.addRecord(r, Section.ANSWER);
                return null;
            }
            case SignedZone.Reply.Alias a -> {
                for (Record r : a.answer()) response.addRecord(r, Section.ANSWER);
                return a.target().canonicalize();
            }
            case SignedZone.Reply.Denial d -> {
                if (d.nxdomain()) response.getHeader().setRcode(Rcode.NXDOMAIN);
                for (Record r : d.authority()) response.addRecord(r, Section.AUTHORITY);
                return null;
            }
        }
    }

    /** As {@link #answerSigned} for this server's unsigned records. */
    private Name answerUnsigned(Name current, int type, Message response) {
        List<Record> records = zone.get(current);
        if (records == null) {
            // RFC 6604 §3: after a CNAME, the RCODE is that of the last name in the chain.
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            response.addRecord(soa(), Section.AUTHORITY);
            return null;
        }
        List<Record> matching = new ArrayList<>();
        Record cname = null;
        for (Record r : records) {
            if (r.getType() == type) matching.add(r);
            if (r instanceof CNAMERecord) cname = r;
        }
        if (!matching.isEmpty()) {
            for (Record r : matching) response.addRecord(r, Section.ANSWER);
            return null;
        }
        if (cname == null) {
            response.addRecord(soa(), Section.AUTHORITY); // NODATA
            return null;
        }
        response.addRecord(cname, Section.ANSWER);
        return ((CNAMERecord) cname).getTarget().canonicalize();
    }

    private SOARecord soa() {
        return new SOARecord(Name.root, DClass.IN, negativeTtl, name("ns.test"), name("hostmaster.test"),
                1, 3600, 600, 86400, negativeTtl);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // the connection is gone either way
        }
    }
}
