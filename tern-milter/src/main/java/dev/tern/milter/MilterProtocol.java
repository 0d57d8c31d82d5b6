package dev.tern.milter;

/**
 * The numbers of the milter protocol, version 6, as Sendmail's {@code libmilter/mfdef.h} defines them and Postfix's
 * {@code milter8.c} speaks them. A packet is a 4-byte big-endian length (counting the command byte), one command
 * byte, and the data; strings in the data end with NUL.
 */
final class MilterProtocol {
    private MilterProtocol() {}

    static final int VERSION = 6;
    /** The oldest filter protocol Postfix still talks to. */
    static final int MIN_VERSION = 2;

    // Commands, MTA to filter (SMFIC_*).
    static final byte ABORT = 'A';
    static final byte BODY = 'B';
    static final byte CONNECT = 'C';
    static final byte MACRO = 'D';
    static final byte BODYEOB = 'E';
    static final byte HELO = 'H';
    static final byte HEADER = 'L';
    static final byte MAIL = 'M';
    static final byte EOH = 'N';
    static final byte OPTNEG = 'O';
    static final byte QUIT = 'Q';
    static final byte RCPT = 'R';
    static final byte DATA = 'T';

    // Replies, filter to MTA (SMFIR_*).
    static final byte R_ADDRCPT = '+';
    static final byte R_DELRCPT = '-';
    static final byte R_ADDRCPT_PAR = '2';
    static final byte R_SHUTDOWN = '4';
    static final byte R_ACCEPT = 'a';
    static final byte R_REPLBODY = 'b';
    static final byte R_CONTINUE = 'c';
    static final byte R_DISCARD = 'd';
    static final byte R_CHGFROM = 'e';
    static final byte R_CONN_FAIL = 'f';
    static final byte R_ADDHEADER = 'h';
    static final byte R_INSHEADER = 'i';
    static final byte R_SETSYMLIST = 'l';
    static final byte R_CHGHEADER = 'm';
    static final byte R_PROGRESS = 'p';
    static final byte R_QUARANTINE = 'q';
    static final byte R_REJECT = 'r';
    static final byte R_SKIP = 's';
    static final byte R_TEMPFAIL = 't';
    static final byte R_REPLYCODE = 'y';

    // Actions (SMFIF_*) a filter may take at end of message.
    static final int F_ADDHDRS = 0x01;
    static final int F_CHGBODY = 0x02;
    static final int F_ADDRCPT = 0x04;
    static final int F_DELRCPT = 0x08;
    static final int F_CHGHDRS = 0x10;
    static final int F_QUARANTINE = 0x20;
    static final int F_CHGFROM = 0x40;
    static final int F_ADDRCPT_PAR = 0x80;
    static final int F_SETSYMLIST = 0x100;
    /** What Tern can apply: headers and quarantine, and macro lists; never the body or the envelope. */
    static final int OFFERED_ACTIONS = F_ADDHDRS | F_CHGHDRS | F_QUARANTINE | F_SETSYMLIST;

    // Protocol steps (SMFIP_*) a filter may ask the MTA to skip, or to not wait a reply for.
    static final int P_NOCONNECT = 0x01;
    static final int P_NOHELO = 0x02;
    static final int P_NOMAIL = 0x04;
    static final int P_NORCPT = 0x08;
    static final int P_NOBODY = 0x10;
    static final int P_NOHDRS = 0x20;
    static final int P_NOEOH = 0x40;
    static final int P_NR_HDR = 0x80;
    static final int P_NOUNKNOWN = 0x100;
    static final int P_NODATA = 0x200;
    static final int P_SKIP = 0x400;
    static final int P_RCPT_REJ = 0x800;
    static final int P_NR_CONN = 0x1000;
    static final int P_NR_HELO = 0x2000;
    static final int P_NR_MAIL = 0x4000;
    static final int P_NR_RCPT = 0x8000;
    static final int P_NR_DATA = 0x10000;
    static final int P_NR_UNKN = 0x20000;
    static final int P_NR_EOH = 0x40000;
    static final int P_NR_BODY = 0x80000;
    static final int P_HDR_LEADSPC = 0x100000;
    /**
     * Every step Tern can leave out. Not RCPT_REJ (rejected recipients are not passed on) and not the 256K/1M
     * packet sizes (body chunks stay at 65535 bytes).
     */
    static final int OFFERED_PROTOCOL = P_NOCONNECT | P_NOHELO | P_NOMAIL | P_NORCPT | P_NOBODY | P_NOHDRS | P_NOEOH
            | P_NR_HDR | P_NOUNKNOWN | P_NODATA | P_SKIP | P_NR_CONN | P_NR_HELO | P_NR_MAIL | P_NR_RCPT | P_NR_DATA
            | P_NR_UNKN | P_NR_EOH | P_NR_BODY | P_HDR_LEADSPC;

    /** libmilter's MILTER_CHUNK_SIZE: the largest body chunk. */
    static final int CHUNK_SIZE = 65535;
    /** The largest packet accepted from a filter: a chunk and room for a header's name and index. */
    static final int MAX_REPLY_LENGTH = CHUNK_SIZE + 4096;
    /** The most modification packets one end of message may carry. */
    static final int MAX_MODIFICATIONS = 1000;
    /** The most SMFIR_PROGRESS packets one stage may send before it counts as hung. */
    static final int MAX_PROGRESS = 1000;

    /** A command's name for logs. */
    static String commandName(byte command) {
        return switch (command) {
            case ABORT -> "abort";
            case BODY -> "body";
            case CONNECT -> "connect";
            case MACRO -> "macros";
            case BODYEOB -> "end of message";
            case HELO -> "helo";
            case HEADER -> "header";
            case MAIL -> "mail";
            case EOH -> "end of headers";
            case OPTNEG -> "option negotiation";
            case QUIT -> "quit";
            case RCPT -> "rcpt";
            case DATA -> "data";
            default -> "command " + (command & 0xff);
        };
    }

    /** The macro stage numbers of SMFIR_SETSYMLIST (SMFIM_*), by the command they precede. */
    static byte stageCommand(int stage) {
        return switch (stage) {
            case 0 -> CONNECT;
            case 1 -> HELO;
            case 2 -> MAIL;
            case 3 -> RCPT;
            case 4 -> DATA;
            case 5 -> BODYEOB;
            case 6 -> EOH;
            default -> 0;
        };
    }
}
