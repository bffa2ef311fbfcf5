<?php
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wp_prod' );
define( 'DB_PASSWORD', '5UHf4Psr%Ru7yBdfa8P-' );
define( 'DB_HOST', 'mysql.internal' );
define( 'AUTH_KEY',         'loozbehLXwAQrr5WqqBBxeZ2pMYid3fq1nwMIrzKYIGfflBQ9D0j2NKc3CVEqB2K' );
define( 'SECURE_AUTH_KEY',  'LcTstdhaSSUlWYijdEBSL0rk6c0HJ2t7ELywYhcQZFY9GIHdu0bxqC1ZS05S08P4' );
define( 'LOGGED_IN_SALT',   'put your unique phrase here' );
$table_prefix = 'wp_';
$encryption_key = '53e30440e0d7437da66ec1909c98940990a3749f99c194267140db1786c3ba5b';
