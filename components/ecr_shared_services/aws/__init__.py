"""AWS facts: partitions, identifier rules, ARN and image-URI shapes. No Pulumi, no boto3."""
