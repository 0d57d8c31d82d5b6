package dev.tern.app.web;

import dev.tern.app.TernConfig;
import dev.tern.app.capture.CaptureStore;
import dev.tern.app.control.QueueControl;
import dev.tern.auth.AccountStore;
import dev.tern.auth.AuthThrottle;
import dev.tern.delivery.QueueRunner;
import dev.tern.server.MessageInspector;
import dev.tern.spool.Spool;
import dev.tern.store.MaildirStore;
import dev.tern.tls.TlsContext;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * What the web features may use of the running server: the parts {@link dev.tern.app.Tern} made, handed to
 * each feature's routes in {@link WebRoutes}; {@code meters} is the server's own Prometheus registry
 * (docs/metrics.md), {@code capture} is null unless in capture mode (docs/capture.md); {@code inspector} is the
 * SMTP listeners' content checks, which mail submitted over HTTP goes through too (docs/http-api.md);
 * {@code stopping} turns true when the server begins to shut down ({@code /readyz} answers 503 from then on).
 */
public record WebContext(TernConfig config, Spool spool, QueueRunner runner, MaildirStore store,
                         AccountStore accounts, AuthThrottle throttle, QueueControl queue, TlsContext tls,
                         Clock clock, PrometheusMeterRegistry meters, CaptureStore capture, MessageInspector inspector,
                         BooleanSupplier stopping) {

    /**
     * A context with a registry of its own, no capture and no content checks, for a router made outside
     * {@link dev.tern.app.Tern} (tests, benches).
     */
    public WebContext(TernConfig config, Spool spool, QueueRunner runner, MaildirStore store, AccountStore accounts,
                      AuthThrottle throttle, QueueControl queue, TlsContext tls, Clock clock) {
        this(config, spool, runner, store, accounts, throttle, queue, tls, clock,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null, MessageInspector.NONE, () -> false);
    }
}
