package dev.tern.auth;

/** What a change to the accounts file gave: done, or refused with a reason fit to show the operator. */
public sealed interface AccountChange {
    /** The change is on disk; {@code account} is the account as added, changed or deleted. */
    record Done(Account account) implements AccountChange {}

    /** Nothing changed: the username is invalid or taken or unknown, or the password too weak. */
    record Refused(String reason) implements AccountChange {}
}
