CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
CREATE TYPE priority AS ENUM ('low', 'high');
CREATE TYPE channel_kind AS ENUM ('email', 'sms');
