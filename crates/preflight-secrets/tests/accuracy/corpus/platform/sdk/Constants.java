package com.example.platform.sdk;

/** Names the SDK shares with the server. */
public final class Constants {
    public static final String API_KEY_HEADER = "X-Api-Key";
    public static final String SECRET_KEY_PROPERTY = "platform.secretKey";
    public static final int ENCRYPTION_KEY_BITS = 256;
    public static final String TOKEN_ENDPOINT = "/oauth2/token";
    public static final String PASSWORD_GRANT = "password";
    public static final String SIGNING_ALGORITHM = "HmacSHA256";
    public static final String SESSION_TOKEN_COOKIE = "__Host-platform-session";

    private Constants() {}
}
