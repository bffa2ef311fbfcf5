<?php

return [
    'mailgun' => [
        'domain' => env('MAILGUN_DOMAIN', 'mg.crm.example.com'),
        'secret' => env('MAILGUN_SECRET', 'key-e70a255d1992b58391cc3e1efea9d517'),
        'endpoint' => env('MAILGUN_ENDPOINT', 'api.eu.mailgun.net'),
    ],

    'stripe' => [
        'key' => env('STRIPE_KEY'),
        'secret' => env('STRIPE_SECRET', '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'),
    ],

    'hubspot' => [
        'token' => env('HUBSPOT_TOKEN', ''),
    ],

    'slack' => [
        'notifications' => [
            'bot_user_oauth_token' => env('SLACK_BOT_USER_OAUTH_TOKEN', 'xoxb-269762286725-3752686919820-HbFayVKiotpgIo5TorrlfhPq'),
            'channel' => env('SLACK_BOT_USER_DEFAULT_CHANNEL', '#crm-alerts'),
        ],
    ],

    'crm_sync' => [
        'api_token' => env('CRM_SYNC_API_TOKEN', '0jG0K0GXS-A-Iu0DZAcwvSePNkJHDox1kMyodv-S'),
    ],
];
