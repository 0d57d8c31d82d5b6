/**
 * The local control channel between {@code tern queue} and the running server (docs/queue.md).
 *
 * <p>Server side: {@link dev.tern.app.control.ControlServer} owns a Unix-domain socket in a private
 * directory of the data directory and answers each connection's one request line by calling
 * {@link dev.tern.app.control.QueueControl}, the seam to the queue; {@link dev.tern.app.control.SpoolQueueControl}
 * implements it over the spool and the queue runner. Client side: {@link dev.tern.app.control.ControlClient}
 * sends a request and streams the answer's lines; {@link dev.tern.app.control.QueueText} lays them out for
 * people.
 *
 * <p>Requests ({@link dev.tern.app.control.ControlRequest}) and outcomes ({@link dev.tern.app.control.ControlResult},
 * {@link dev.tern.app.control.ControlReply}) are sealed values; a malformed request or answer is a value, never
 * an exception. The wire is words in, JSON lines out, written and read here without a JSON library: the
 * shapes are few and flat. May depend on the spool and delivery modules; only {@code dev.tern.app} uses it.
 */
package dev.tern.app.control;
