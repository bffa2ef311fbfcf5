package com.acme.shop

object ApiConfig {
    const val BASE_URL = "https://api.acme-retail.io/v2/"
    const val MAPS_API_KEY = "AIza7jrNAp4jr_CZFu7dMB9pwsKZGILEkcrLoBJ"
    const val MAPBOX_DOWNLOADS_TOKEN = "sk.eyJ1IjoiYWNtZS1tYXBzIiwiYSI6IjBseW9kbHUycndtYzFpZHFhcWU4YnI0OTcifQ.sLHeXOMMhmlzvHEC_U9vWb"
    const val CLIENT_SECRET = "I9wIf1KEJbUUSNzm64R3c72VOnVczWJsVJoXpw1q_fs"
    private const val PIN_SHA256 = "sha256/GUTwhjibyALQbZrqvQf5sZVqdYPO2PTn9uPjFx85aTc="
    val apiKey: String get() = BuildConfig.API_KEY
}
