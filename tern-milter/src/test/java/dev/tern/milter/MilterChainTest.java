package dev.tern.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Several filters in order, as Postfix's smtpd_milters. */
class MilterChainTest {
    private static final ConnectInfo INFO = new ConnectInfo("client.example", ConnectInfo.Family.INET4, "192.0.2.7", 1025, Map.of());

    @Test
    void headerChangesAccumulateInFilterOrder() throws Exception {
        try (FakeFilter first = new FakeFilter(peer -> {
                    peer.negotiate(MilterProtocol.OFFERED_ACTIONS, 0);
                    peer.serve('c', packet('h', "X-First\0one\0"), packet('q', "first reason\0"), packet('a', ""));
                });
                FakeFilter second = new FakeFilter(peer -> {
                    peer.negotiate(MilterProtocol.OFFERED_ACTIONS, 0);
                    peer.serve('c', packet('i', "\0\0\0\0X-Second\0two\0"), packet('q', "second reason\0"), packet('c', ""));
                })) {
            try (MilterChain chain = MilterChain.open(List.of(client(first), client(second)), INFO, "chain")) {
                assertThat(chain.connect()).isEqualTo(Verdict.CONTINUE);
                assertThat(chain.mail("a@b.example", List.of(), Map.of())).isEqualTo(Verdict.CONTINUE);
                assertThat(chain.rcpt("c@d.example", List.of(), Map.of())).isEqualTo(Verdict.CONTINUE);
                MilterOutcome outcome = chain.endOfMessage(Map.of());
                assertThat(outcome.verdict()).isEqualTo(Verdict.ACCEPT);
                assertThat(outcome.headerChanges()).containsExactly(
                        new HeaderChange.Add("X-First", "one"), new HeaderChange.Insert(0, "X-Second", "two"));
                assertThat(outcome.quarantine()).contains("first reason");
                assertThat(chain.failed()).isFalse();
            }
        }
    }

    @Test
    void theFirstRefusalWinsAndLaterFiltersAreNotAsked() throws Exception {
        try (FakeFilter first = new FakeFilter(peer -> {
                    peer.negotiate(MilterProtocol.OFFERED_ACTIONS, 0);
                    peer.serve('r', packet('a', ""));
                });
                FakeFilter second = new FakeFilter(peer -> {
                    peer.negotiate(MilterProtocol.OFFERED_ACTIONS, 0);
                    peer.serve('c', packet('h', "X-Second\0two\0"), packet('a', ""));
                })) {
            try (MilterChain chain = MilterChain.open(List.of(client(first), client(second)), INFO, "chain")) {
                chain.connect();
                chain.mail("a@b.example", List.of(), Map.of());
                assertThat(chain.rcpt("bad@d.example", List.of(), Map.of())).isEqualTo(Verdict.REJECT);
                chain.abort();
            }
            List<String> seen = second.received().stream().map(p -> String.valueOf((char) p.command())).toList();
            assertThat(seen).containsExactly("O", "C", "M", "A", "Q");
        }
    }

    @Test
    void aDownFilterTempfailsTheChainUnlessItsDefaultIsAccept() throws Exception {
        MilterSettings down = MilterSettings.of("down", "inet:127.0.0.1:" + PythonMilter.freePort());
        try (MilterChain chain = MilterChain.open(List.of(new MilterClient(down)), INFO, "chain")) {
            assertThat(chain.connect()).isEqualTo(Verdict.TEMPFAIL);
            assertThat(chain.failed()).isTrue();
        }
        MilterClient skipped = new MilterClient(down.withDefaultAction(MilterSettings.DefaultAction.ACCEPT));
        try (MilterChain chain = MilterChain.open(List.of(skipped), INFO, "chain")) {
            assertThat(chain.connect()).isEqualTo(Verdict.ACCEPT);
            assertThat(chain.endOfMessage(Map.of()).verdict()).isEqualTo(Verdict.ACCEPT);
        }
    }

    private static MilterClient client(FakeFilter filter) {
        Duration second = Duration.ofSeconds(1);
        return new MilterClient(MilterSettings.of("fake", filter.address()).withTimeouts(second, second, second));
    }

    private static MilterPacket packet(char command, String data) {
        return new MilterPacket((byte) command, data.getBytes(StandardCharsets.ISO_8859_1));
    }
}
