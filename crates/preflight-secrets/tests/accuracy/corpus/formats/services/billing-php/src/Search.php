<?php

namespace Acme\Billing;

use Algolia\AlgoliaSearch\Api\SearchClient;
use DataDog\DogStatsd;

final class Search
{
    private const ALGOLIA_APP = 'QOG6388BOU';
    private const ALGOLIA_ADMIN_KEY = 'd9f8ccd75e0cfbd6e1518112b94dbc3a';

    public static function client(): SearchClient
    {
        return SearchClient::create(self::ALGOLIA_APP, self::ALGOLIA_ADMIN_KEY);
    }

    public static function metrics(): DogStatsd
    {
        return new DogStatsd([
            'api_key' => '89e321bc6930298836cfccd9f5cd5c20',
            'app_key' => 'c0dcb8e2ec420f79160b060265420a62faca4347',
        ]);
    }

    public static function webhookKey(): string
    {
        return getenv('BILLING_WEBHOOK_KEY') ?: '468f84a055310f3b027da883588f9772f6258556513fa2cf9f7373335ca839ca';
    }

    public static function encryptionKey(): string
    {
        return hex2bin('2fcccc9333f0ca444d83c524132ef5f3439de03890eb88c6ebabaff0d3670050');
    }
}
