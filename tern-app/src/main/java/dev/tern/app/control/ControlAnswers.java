package dev.tern.app.control;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one request over {@link QueueControl}, writing JSON lines as it goes: a listing is written entry by
 * entry while the queue is walked, never held whole. Every answer ends with one {@code {"end":...}} line.
 */
final class ControlAnswers {
    private static final Logger log = LoggerFactory.getLogger(ControlAnswers.class);

    private final QueueControl control;
    private final Clock clock;

    ControlAnswers(QueueControl control, Clock clock) {
        this.control = control;
        this.clock = clock;
    }

    void answer(ControlRequest request, OutputStream out) throws IOException {
        try {
            switch (request) {
                case ControlRequest.Listing l -> {
                    long[] totals = new long[2];
                    control.list(entry -> {
                        line(out, ControlJson.entry(entry, false));
                        totals[0]++;
                        totals[1] += entry.size();
                    });
                    line(out, ControlJson.ok("\"messages\":" + totals[0] + ",\"bytes\":" + totals[1]));
                }
                case ControlRequest.Summary s -> {
                    QueueShape shape = new QueueShape(clock.instant());
                    control.list(shape::add);
                    line(out, shape.toJson());
                    line(out, ControlJson.ok(""));
                }
                case ControlRequest.Show s -> {
                    Optional<QueueEntry> entry = control.show(s.id());
                    if (entry.isPresent()) {
                        line(out, ControlJson.entry(entry.get(), true));
                        line(out, ControlJson.ok(""));
                    } else {
                        line(out, ControlJson.error("not_found", "no queued message " + s.id()));
                    }
                }
                case ControlRequest.Flush f -> changed(request, control.flush(f.target()), out);
                case ControlRequest.Hold h -> changed(request, control.hold(h.id()), out);
                case ControlRequest.Release r -> changed(request, control.release(r.id()), out);
                case ControlRequest.Delete d -> changed(request, control.delete(d.id()), out);
                case ControlRequest.Bounce b -> changed(request, control.bounce(b.id()), out);
                case ControlRequest.Invalid i -> line(out, ControlJson.error("bad_request", i.reason()));
            }
        } catch (RuntimeException e) {
            // A bug, not the client's fault: said in one generic line, logged in full. Part of a listing may
            // already be out; the error line still ends the answer.
            log.error("control request \"{}\" failed", safe(request), e);
            line(out, ControlJson.error("internal", "internal error; see the server log"));
        } catch (ClientGone e) {
            throw e; // nobody to tell
        } catch (IOException e) {
            log.error("control request \"{}\" failed: {}", safe(request), e.toString());
            line(out, ControlJson.error("internal", "the queue could not be read; see the server log"));
        }
    }

    private static void changed(ControlRequest request, ControlResult result, OutputStream out) throws IOException {
        switch (result) {
            case ControlResult.Done d -> {
                log.info("control request=\"{}\" messages={}", ControlRequest.render(request), d.messages());
                line(out, ControlJson.ok("\"messages\":" + d.messages()));
            }
            case ControlResult.NotFound n -> line(out, ControlJson.error("not_found", "no queued message " + n.id()));
            case ControlResult.Unsupported u -> line(out, ControlJson.error("unsupported", u.reason()));
        }
    }

    private static String safe(ControlRequest request) {
        return request instanceof ControlRequest.Invalid ? "invalid" : ControlRequest.render(request);
    }

    /** Writes one line; a failure means the client is gone (or its deadline closed the connection). */
    static void line(OutputStream out, String json) throws ClientGone {
        try {
            out.write(json.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        } catch (IOException e) {
            throw new ClientGone(e);
        }
    }

    /** Writing to the client failed: told apart from the queue's own I/O failures, which get an error line. */
    static final class ClientGone extends IOException {
        ClientGone(IOException cause) {
            super(cause);
        }
    }
}
