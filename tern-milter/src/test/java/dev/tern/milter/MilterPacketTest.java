package dev.tern.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The packet codec, both ways, one row per packet kind (libmilter's mfdef.h and Postfix's milter8.c). */
class MilterPacketTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Filter to MTA: command byte and data (hex) as decoded. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NONE", textBlock = """
            # verdicts: no data
            c | NONE                                 | Continue[]
            a | NONE                                 | Accept[]
            r | NONE                                 | Reject[]
            t | NONE                                 | Tempfail[]
            d | NONE                                 | Discard[]
            s | NONE                                 | Skip[]
            p | NONE                                 | Progress[]
            4 | NONE                                 | Shutdown[]
            f | NONE                                 | Shutdown[]
            c | 00                                   | Malformed[reason=unexpected data after 'Continue']
            # SMFIR_REPLYCODE: one NUL-terminated reply
            y | 35353020352e372e3120676f20617761790a00 | Malformed[reason=reply code is not a 4xx/5xx reply]
            y | 3435312034            2e372e30206c61746572 00 | ReplyCode[reply=SmtpReply[code=451, status=4.7.0, lines=[later]]]
            y | 35353020676f00                       | ReplyCode[reply=SmtpReply[code=550, status=5.7.1, lines=[go]]]
            y | 3235302030 00                        | Malformed[reason=reply code is not a 4xx/5xx reply]
            y | 35353020676f                         | Malformed[reason=reply code is not one NUL-terminated string]
            # SMFIR_ADDHEADER: name, value
            h | 582d41 00 2031 00                    | Modification[change=Add[name=X-A, value= 1]]
            h | 582d41 00                            | Malformed[reason=header is not name and value]
            h | 583a41 00 31 00                      | Malformed[reason=not a header field name: X:A]
            # SMFIR_INSHEADER, SMFIR_CHGHEADER: 32-bit index, name, value
            i | 00000000 582d54 00 74 00             | Modification[change=Insert[index=0, name=X-T, value=t]]
            m | 00000002 53 00 00                    | Modification[change=Change[name=S, index=2, value=]]
            m | ffffffff 53 00 00                    | Malformed[reason=header index out of range]
            m | 000001                               | Malformed[reason=header index missing]
            # SMFIR_QUARANTINE
            q | 77687900                             | Quarantine[reason=why]
            # refused actions
            + | 3c613e00                             | Refused[command=+]
            - | 3c613e00                             | Refused[command=-]
            b | 78                                   | Refused[command=b]
            e | 3c3e00                               | Refused[command=e]
            2 | 3c613e00                             | Refused[command=2]
            l | NONE                                 | Refused[command=l]
            # SMFIC_OPTNEG: version, actions, protocol, then stage + names pairs
            O | 00000006 00000031 00000480           | Negotiate[version=6, actions=49, protocol=1152, macros={}]
            O | 00000006 00000100 00000000 00000005 7b697d00 | Negotiate[version=6, actions=256, protocol=0, macros={69=[{i}]}]
            O | 00000006 00000100 00000000 00000009 7b697d00 | Malformed[reason=unknown macro stage 9]
            O | 00000006 00000100 00000000 00000005 7b697d   | Malformed[reason=macro list without NUL]
            O | 00000006 00000100                    | Malformed[reason=option negotiation shorter than 12 bytes]
            Z | NONE                                 | Malformed[reason=unknown reply 'Z']
            """)
    void decodesFilterPackets(char command, String hex, String expected) {
        byte[] data = hex == null ? new byte[0] : HEX.parseHex(hex.replace(" ", ""));
        assertThat(FilterResponse.decode(new MilterPacket((byte) command, data)).toString()).isEqualTo(expected);
    }

    /** MTA to filter: the whole packet, length first; a NUL inside a string becomes a space (it would end it). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            optneg    | 0000000d 4f 00000006 00000131 001ff7ff
            connect4  | 00000013 43 682e6578 00 34 1f90 3139322e302e322e31 00
            connectU  | 00000007 43 682e6578 00 55
            helo      | 00000006 48 682e6578 00
            mail      | 00000012 4d 3c61406221 3e 00 53495a453d313030 20 00
            header    | 0000000a 4c 5375626a 00 6869 20 00
            macros    | 0000000f 44 43 6a 00 6d782e74 00 7b697d 00 51 00
            eob       | 00000001 45
            """)
    void encodesCommands(String kind, String expected) {
        MilterPacket packet = switch (kind) {
            case "optneg" -> MilterPacket.optionNegotiation(6, MilterProtocol.OFFERED_ACTIONS, MilterProtocol.OFFERED_PROTOCOL);
            case "connect4" -> MilterPacket.connect(new ConnectInfo("h.ex", ConnectInfo.Family.INET4, "192.0.2.1", 8080, Map.of()));
            case "connectU" -> MilterPacket.connect(new ConnectInfo("h.ex", ConnectInfo.Family.UNKNOWN, "", 0, Map.of()));
            case "helo" -> MilterPacket.strings(MilterProtocol.HELO, List.of("h.ex"));
            case "mail" -> MilterPacket.strings(MilterProtocol.MAIL, List.of("<a@b!>", "SIZE=100\0"));
            case "header" -> MilterPacket.strings(MilterProtocol.HEADER, List.of("Subj", "hi\0"));
            case "macros" -> {
                Map<String, String> m = new LinkedHashMap<>();
                m.put("{i}", "Q");
                m.put("j", "mx.t");
                yield MilterPacket.macros(MilterProtocol.CONNECT, m);
            }
            case "eob" -> MilterPacket.empty(MilterProtocol.BODYEOB);
            default -> throw new IllegalArgumentException(kind);
        };
        assertThat(HEX.formatHex(packet.encode())).isEqualTo(expected.replace(" ", ""));
    }

    @Test
    void aLengthIsCheckedBeforeAnythingIsAllocated() {
        assertThat(MilterPacket.dataLength(0, MilterProtocol.MAX_REPLY_LENGTH)).isEqualTo(-1);
        assertThat(MilterPacket.dataLength(-1, MilterProtocol.MAX_REPLY_LENGTH)).isEqualTo(-1);
        assertThat(MilterPacket.dataLength(1, MilterProtocol.MAX_REPLY_LENGTH)).isZero();
        assertThat(MilterPacket.dataLength(MilterProtocol.MAX_REPLY_LENGTH, MilterProtocol.MAX_REPLY_LENGTH))
                .isEqualTo(MilterProtocol.MAX_REPLY_LENGTH - 1);
        assertThat(MilterPacket.dataLength(MilterProtocol.MAX_REPLY_LENGTH + 1, MilterProtocol.MAX_REPLY_LENGTH)).isEqualTo(-1);
    }
}
