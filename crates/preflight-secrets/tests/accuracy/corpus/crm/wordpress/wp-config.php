<?php
/** The base configuration for the marketing site. */
define( 'DB_NAME', 'marketing' );
define( 'DB_USER', 'marketing' );
define( 'DB_PASSWORD', 'Xms2eZVY5VmEsrvLdfia' );
define( 'DB_HOST', 'marketing-db.internal' );
define( 'DB_CHARSET', 'utf8mb4' );

define( 'AUTH_KEY',         '#y{O7MhhG:{8T#<x{K}`UJyb2etr(Sf/TL1kC}qH4mk<fud.AM_4F=p&{xN+t{]C' );
define( 'SECURE_AUTH_KEY',  'AL*xB1biv_-vW)?p/b tGRkFuVMy?;cKkv[fq|3/:]o@NkWKUt,xaESEgIMo/u- ' );
define( 'LOGGED_IN_KEY',    '1jCw4o5pru*;Z5tU{,QmhMOCJQnB[&jw-}ka;=.U!sG}+CTUD6`|aDY6<-Pg25Wi' );
define( 'NONCE_KEY',        'put your unique phrase here' );
define( 'AUTH_SALT',        'put your unique phrase here' );

$table_prefix = 'wp_';
define( 'WP_DEBUG', false );
