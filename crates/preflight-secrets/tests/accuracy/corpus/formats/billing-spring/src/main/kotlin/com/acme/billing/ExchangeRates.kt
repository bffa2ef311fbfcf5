package com.acme.billing

import okhttp3.OkHttpClient
import okhttp3.Request

object ExchangeRates {
    private const val API_KEY = "1c51278e7a602daaaa49f5249fb51bf4"
    private const val SLACK_WEBHOOK = "https://hooks.slack.com/services/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"
    private val client = OkHttpClient()

    fun latest(base: String): String {
        val request = Request.Builder()
            .url("https://api.exchangerates.example/latest?base=$base")
            .header("Authorization", "Bearer QPoPaeYuJ8bz0VAggsG6cjTImn1f6rdgktN9dhhI")
            .header("X-Request-Id", "8d208748-ff63-45fe-91d3-9e9ac5386673")
            .build()
        return client.newCall(request).execute().use { it.body!!.string() }
    }

    val dbPassword: String = System.getenv("LEDGER_DB_PASSWORD") ?: "p4XNtil0FHDExWCI"
}
