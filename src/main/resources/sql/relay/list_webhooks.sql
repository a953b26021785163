-- A client's webhooks in one status (dead by default), newest first.
SELECT COALESCE(json_agg(json_build_object('id', id, 'status', status, 'received_at', received_at,
                                           'completed_at', completed_at, 'attempts', attempts,
                                           'last_error', last_error, 'payload', payload)
                         ORDER BY received_at DESC), '[]')::text
FROM (SELECT * FROM relay_webhooks
      WHERE client_id = :#clientId AND status = :#status
      ORDER BY received_at DESC LIMIT :#limit) w
