<?php

return [
    'mailgun' => [
        'domain' => env('MAILGUN_DOMAIN', 'mg.acme.io'),
        'secret' => env('MAILGUN_SECRET'),
        'endpoint' => env('MAILGUN_ENDPOINT', 'api.eu.mailgun.net'),
    ],

    'postmark' => [
        'token' => env('POSTMARK_TOKEN', '15ad376c-7d9a-4649-af13-3d6179aa789c'),
    ],

    'slack' => [
        'notifications' => [
            'bot_user_oauth_token' => env('SLACK_BOT_USER_OAUTH_TOKEN', 'xoxb-779674168515-0474417306932-W0Z6mEp93dRSecSUdWev4WNz'),
            'channel' => env('SLACK_BOT_USER_DEFAULT_CHANNEL', '#crm-alerts'),
        ],
    ],

    'algolia' => [
        'app_id' => env('ALGOLIA_APP_ID', 'RIK81K2LOY'),
        'secret' => env('ALGOLIA_SECRET', '3da128145bb4c953f13b73ea39facb2a'),
    ],

    'hubspot' => [
        'access_token' => env('HUBSPOT_TOKEN', 'pat-eu1-7ff0e604-c858-44ca-9647-c26a88ade555'),
    ],
];
