package dev.tern.auth;

import java.io.IOException;

/** The accounts file is not in the documented format (docs/accounts.md); the message names the line. */
public final class AccountFileException extends IOException {
    public AccountFileException(String message) {
        super(message);
    }
}
