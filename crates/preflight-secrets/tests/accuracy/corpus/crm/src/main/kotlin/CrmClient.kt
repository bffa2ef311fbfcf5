package com.example.crm

import okhttp3.Credentials
import okhttp3.OkHttpClient

object CrmConfig {
    const val BASE_URL = "https://api.crm.example.com/v3"
    const val API_TOKEN = "_wYgRth_WaIkMcSHphINtuSRtYNnnnA4A9CfS6fm1MF"
    const val WEBHOOK_SECRET = "45ed27cef4161bb69f47e3c9367fc60e766bfe933cb3fc2063b53d99ddf96d9b"
    const val TOKEN_HEADER = "X-CRM-Token"
    val dbPassword: String = System.getenv("CRM_DB_PASSWORD") ?: "2t8HjEwJ2qJosBQjsUeO"
    val region: String = System.getenv("CRM_REGION") ?: "eu-central-1"
    val smtpPassword: String = System.getProperty("crm.smtp.password", "1HBWFVnkGgjUvpCIp1")
}

class CrmClient {
    private val basic = Credentials.basic("crm-sync", "APbAfDd5O0zp2VCdBaIMpo")
    private val basicFromEnv = Credentials.basic(System.getenv("CRM_USER"), System.getenv("CRM_PASSWORD"))
    val http = OkHttpClient.Builder().build()
}
