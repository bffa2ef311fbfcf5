package com.acme.shop.net;

public final class ApiKeys {
    private ApiKeys() {}

    public static final String ALGOLIA_APP_ID = "8XZZ4Z3Z9J";
    public static final String ALGOLIA_SEARCH_KEY = "56af2676885ca5ea8f2fe11ddd793e4c";
    public static final String REVENUECAT_PUBLIC = "goog_v1YZyCzdPSbbpQ4JJVTU7GyZaaY";
    public static final String BACKEND_HMAC_SECRET = "97864fdbba6f6d5a42904a8fc54c66e860441a71c1a7b66c22ccd31e9336f6d8";
    public static final String OPENAI_KEY = "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";
    public static final String BUILD_SHA = "454ab7bb049c1d2f75ea41bdf768e67147063aad";
}
