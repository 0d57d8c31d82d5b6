package dev.tern.net;

import java.net.InetAddress;

/** An address block such as {@code 127.0.0.0/8} or {@code ::1/128}. */
public record Cidr(byte[] network, int prefix) {
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        try {
            byte[] address = InetAddress.ofLiteral(host).getAddress();
            int prefix = slash < 0 ? address.length * 8 : Integer.parseInt(text.substring(slash + 1));
            if (prefix < 0 || prefix > address.length * 8) throw new IllegalArgumentException("bad prefix length: " + text);
            return new Cidr(address, prefix);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length: " + text);
        }
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) return false;
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (bytes[i] != network[i]) return false;
        }
        int rest = prefix % 8;
        if (rest == 0) return true;
        int mask = 0xff << (8 - rest) & 0xff;
        return (bytes[full] & mask) == (network[full] & mask);
    }

}
