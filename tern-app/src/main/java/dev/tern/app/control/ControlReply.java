package dev.tern.app.control;

/** How a control request went, as the client saw it. */
public sealed interface ControlReply {
    /** The server answered; {@code end} is its final line ({@code {"end":"ok",...}}) with any totals. */
    record Ok(JsonValue.Obj end) implements ControlReply {}

    /**
     * The server refused: {@code error} is a stable code ({@code not_found}, {@code unsupported},
     * {@code bad_request}, {@code forbidden}, {@code internal}), {@code message} is for people.
     */
    record Refused(String error, String message) implements ControlReply {}

    /** No server runs for this data directory: no socket, or nobody listening on it. */
    record NotRunning(String reason) implements ControlReply {}

    /** The connection failed midway, timed out, or the answer was not the protocol's. */
    record Broken(String reason) implements ControlReply {}
}
