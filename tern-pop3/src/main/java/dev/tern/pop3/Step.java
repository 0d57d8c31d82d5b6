package dev.tern.pop3;

/** A response to send and what to do after it. The session never touches a socket; the loop carries the step out. */
public record Step(Response response, Next next) {
    public Step {
        if (response == null || next == null) throw new IllegalArgumentException("null step part");
    }

    static Step of(Response response) {
        return new Step(response, Next.COMMAND);
    }
}
