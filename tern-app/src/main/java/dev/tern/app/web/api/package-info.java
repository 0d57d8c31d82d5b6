/** The HTTP submission API for applications ({@code POST /api/v1/messages}) and its API keys (docs/http-api.md). */
package dev.tern.app.web.api;
