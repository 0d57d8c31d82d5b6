/**
 * The HTTP listener ({@code web.*}): the JDK's HTTP server on virtual threads, one {@link dev.tern.app.web.Router}
 * with JSON errors, and the routes of each feature registered in {@link dev.tern.app.web.WebRoutes}.
 */
package dev.tern.app.web;
