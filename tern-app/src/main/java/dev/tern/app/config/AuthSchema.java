package dev.tern.app.config;

import dev.tern.auth.AuthSettings;
import dev.tern.auth.AuthThrottle;
import java.time.Duration;

/**
 * The login failure limits under {@code auth} (docs/accounts.md), read into {@link AuthSettings#throttle()}.
 * Each value is checked where its key is read, and the one rule spanning keys ({@code max_delay} at least
 * {@code first_delay}) is reported under {@code auth.max_delay}, so {@link AuthThrottle.Policy}'s own checks
 * never see a bad value. The hashing costs and the reload interval stay at their defaults: they are no
 * operator's business (existing hashes keep their own costs, docs/accounts.md).
 */
final class AuthSchema {
    private AuthSchema() {}

    static AuthSettings read(Section auth, AuthSettings defaults) {
        AuthThrottle.Policy d = defaults.throttle();
        Duration window = auth.get("failure_window", ConfigValues::duration, d.window());
        int freeFailures = auth.get("free_failures", n -> ConfigValues.integer(n, 0), d.freeFailures());
        Duration firstDelay = auth.get("first_delay", ConfigValues::duration, d.firstDelay());
        Duration maxDelay = auth.get("max_delay", ConfigValues::duration, d.maxDelay());
        int perIp = auth.get("max_failures_per_ip", n -> ConfigValues.integer(n, 1), d.clientLimit());
        int perUser = auth.get("max_failures_per_user", n -> ConfigValues.integer(n, 1), d.accountLimit());
        int maxTracked = auth.get("max_tracked", n -> ConfigValues.integer(n, 1), d.maxTracked());
        if (maxDelay.compareTo(firstDelay) < 0) {
            auth.error(auth.keyOf("max_delay"), "must be at least auth.first_delay");
            return defaults;
        }
        return new AuthSettings(defaults.passwordCost(), defaults.scramIterations(), defaults.reloadInterval(),
                new AuthThrottle.Policy(window, freeFailures, firstDelay, maxDelay, perIp, perUser, maxTracked));
    }
}
