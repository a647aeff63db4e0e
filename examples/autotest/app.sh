#!/bin/sh
# A stand-in web application: answers "hello" to every connection on port 8080.
touch /app/ready
while true; do
  echo hello | nc -l -p 8080
done
