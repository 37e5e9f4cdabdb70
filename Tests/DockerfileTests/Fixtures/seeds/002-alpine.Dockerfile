FROM alpine:latest
ADD mybinary .
CMD ./mybinary
